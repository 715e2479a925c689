package dev.hearth.safetensors.ort;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.session.Session;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.engine.GgufCpuBackend;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.synth.ByteLevelVocabulary;
import dev.hearth.gguf.synth.SynthModel;
import dev.hearth.gguf.synth.SynthPreset;
import dev.hearth.gguf.writer.Progress;
import dev.hearth.rope.Llama3RopeScaling;
import dev.hearth.tokenizer.Vocabulary;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama3 RoPE scaling done two independent ways gives the same model: a synthesized model (one seed, F32 weights)
 * through gguf-cpu, which divides each frequency by rope_freqs.weight as llama.cpp does, and through
 * safetensors-ort-cpu, whose exported graph precomputes cos/sin from transformers' scaled inverse frequencies.
 * The scaling is strong at short range here (original context 64, factor 8), so a backend that ignored it would
 * be far off.
 */
class OrtLlama3RopeTest {
    static final double TOLERANCE = 1e-2;
    static final Llama3RopeScaling SCALING = new Llama3RopeScaling(8, 1, 4, 64);
    static final SynthPreset PLAIN = new SynthPreset("l3-tiny", "l3-tiny", 256, 512, 2, 4, 2, 1000, 128, 10000,
            1e-5, false);
    static final int[] TOKENS = new int[48];

    @TempDir
    static Path dir;
    static Path scaledGguf;
    static Path plainGguf;
    static Path scaledFolder;

    @BeforeAll
    static void synthesize() throws IOException {
        for (int i = 0; i < TOKENS.length; i++) TOKENS[i] = (i * 37 + 11) % PLAIN.vocab();
        Vocabulary v = ByteLevelVocabulary.generate(PLAIN.vocab());
        SynthModel scaled = new SynthModel(PLAIN.withRopeScaling(SCALING), v, Optional.empty(), 21);
        SynthModel plain = new SynthModel(PLAIN, v, Optional.empty(), 21); // the same weights, no rope_freqs
        scaledGguf = dir.resolve("scaled.gguf");
        plainGguf = dir.resolve("plain.gguf");
        scaledFolder = dir.resolve("scaled-hf");
        try (RowQuantizer rows = new RowQuantizer(2)) {
            scaled.writeGguf(scaledGguf, QuantMix.F32, rows, Progress.NONE);
            plain.writeGguf(plainGguf, QuantMix.F32, rows, Progress.NONE);
            scaled.writeSafetensors(scaledFolder, GgmlType.F32, rows, Progress.NONE);
        }
    }

    static float[][] ggufLogits(Path gguf) throws IOException {
        try (LoadedModel m = new GgufCpuBackend().load(new GgufModelFormat().describe(gguf),
                LoadOptions.defaults().withThreads(2).withContextLength(64)); Session s = m.newSession()) {
            return OrtTestModels.logits(s, TOKENS);
        }
    }

    static float[][] ortLogits(Path folder, boolean fused) throws IOException {
        try (LoadedModel m = OrtBackend.cpu(dir.resolve("cache")).load(OrtTestModels.describe(folder),
                new LoadOptions(64, 2, -1, Map.of(OrtBackend.OPTION_FUSED, Boolean.toString(fused))));
             Session s = m.newSession()) {
            return OrtTestModels.logits(s, TOKENS);
        }
    }

    /** Both graphs: the plain one applies the tables itself, the fused one hands them to GroupQueryAttention. */
    @ParameterizedTest(name = "fused={0}")
    @ValueSource(booleans = {false, true})
    void ggufCpuAndOrtAgreeAndTheFactorsMatter(boolean fused) throws IOException {
        float[][] ort = ortLogits(scaledFolder, fused);
        float[][] gguf = ggufLogits(scaledGguf);
        float[][] unscaled = ggufLogits(plainGguf);
        double agree = OrtTestModels.relativeL2(gguf, ort);
        double ignored = OrtTestModels.relativeL2(unscaled, ort);
        System.out.printf("llama3 rope (fused=" + fused + "): gguf-cpu vs ORT relative L2 %.3e; without rope_freqs %.3e%n", agree, ignored);
        assertTrue(agree < TOLERANCE, "gguf-cpu and ORT differ: relative L2 " + agree);
        assertTrue(ignored > 10 * agree && ignored > 1e-3,
                "ignoring the factors should change the logits: relative L2 " + ignored + " against " + agree);
    }
}
