package dev.hearth.gguf.cuda;

import static dev.hearth.gguf.cuda.CudaBackendTest.LOGITS_TOLERANCE;
import static dev.hearth.gguf.cuda.CudaBackendTest.allLogits;
import static dev.hearth.gguf.cuda.CudaBackendTest.relativeL2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.engine.GgufCpuBackend;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.synth.ByteLevelVocabulary;
import dev.hearth.gguf.synth.SynthModel;
import dev.hearth.gguf.synth.SynthPreset;
import dev.hearth.gguf.writer.Progress;
import dev.hearth.rope.Llama3RopeScaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Llama 3 RoPE frequency factors ({@code rope_freqs.weight}) on the GPU: a synthesized F16 model with llama3
 * scaling gives the CPU backend's logits through all three RoPE kernels (prompt pass {@code rope_rows}, fused
 * decode {@code qkv_rope}, unfused {@code rope_store}). The scaling is strong at short range (original context 64,
 * factor 8: every pair slower than a 16-position wavelength is divided), so the same weights without the factors
 * give logits far outside the tolerance: a kernel that ignored them would fail.
 */
@EnabledIfSystemProperty(named = CudaTestDevice.SWITCH, matches = "true")
class CudaRopeFreqsTest {

    static final Llama3RopeScaling SCALING = new Llama3RopeScaling(8, 1, 4, 64);
    /**
     * Head size 128: 64 rotated pairs, 57 of them with a factor other than 1. Wide enough (dim 1024) that the
     * N(0, 0.02) weights give attention scores that depend on position (narrower, attention is nearly uniform).
     */
    static final SynthPreset PLAIN = new SynthPreset("l3-small", "l3-small", 1024, 1024, 2, 8, 4, 1024, 128, 10000,
            1e-5, false);
    private static final long SEED = 21;

    @TempDir
    Path dir;

    /** The F16 model with {@link #SCALING} (rope_freqs.weight) or, with the same weights, without it. */
    static Path write(Path dir, boolean scaled) throws IOException {
        SynthPreset p = scaled ? PLAIN.withRopeScaling(SCALING) : PLAIN;
        Path out = dir.resolve(scaled ? "scaled.gguf" : "plain.gguf");
        try (RowQuantizer rows = new RowQuantizer(2)) {
            new SynthModel(p, ByteLevelVocabulary.generate(p.vocab()), Optional.empty(), SEED)
                    .writeGguf(out, QuantMix.F16, rows, Progress.NONE);
        }
        return out;
    }

    @Test
    void gpuLogitsMatchTheCpuWithTheFactorsAndFarFromThemWithout() throws Exception {
        int[] tokens = new int[48];
        for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 37 + 11) % PLAIN.vocab();
        ModelDescription scaled = new GgufModelFormat().describe(write(dir, true));
        // the device's trimmed JDK lacks java.desktop (Jinjava): a built-in chat template
        LoadOptions options = new LoadOptions(128, 2, -1, Map.of(GgufCudaBackend.OPTION_CHAT_TEMPLATE, "zephyr"));
        float[][] cpu = cpuLogits(scaled, tokens, options);
        float[][] cpuWithout = cpuLogits(new GgufModelFormat().describe(write(dir, false)), tokens, options);

        GgufCudaBackend backend = new GgufCudaBackend(CudaTestDevice.get());
        float[][] prompt;
        float[][] fused;
        float[][] unfused;
        try (LoadedModel m = backend.load(scaled, options)) {
            prompt = allLogits(m, tokens, true, true);
            fused = allLogits(m, tokens, false, true);
            unfused = allLogits(m, tokens, false, false);
        }
        double vsPrompt = relativeL2(prompt, cpu);
        double vsFused = relativeL2(fused, cpu);
        double vsUnfused = relativeL2(unfused, cpu);
        double without = relativeL2(cpuWithout, cpu);
        System.out.printf("llama3 rope: GPU vs CPU relative L2 %.3g (prompt pass), %.3g (fused decode), %.3g "
                + "(unfused decode); CPU without the factors vs with %.3g%n", vsPrompt, vsFused, vsUnfused, without);
        assertTrue(vsPrompt < LOGITS_TOLERANCE, "prompt pass vs CPU relative L2 " + vsPrompt);
        assertTrue(vsFused < LOGITS_TOLERANCE, "fused decode vs CPU relative L2 " + vsFused);
        assertTrue(vsUnfused < LOGITS_TOLERANCE, "unfused decode vs CPU relative L2 " + vsUnfused);
        assertTrue(without > 10 * LOGITS_TOLERANCE, "the factors should matter: without them relative L2 " + without);
        assertEquals(0, backend.openModels());
    }

    private static float[][] cpuLogits(ModelDescription d, int[] tokens, LoadOptions options) throws IOException {
        try (LoadedModel m = new GgufCpuBackend().load(d, options)) {
            return allLogits(m, tokens, true, true);
        }
    }
}
