package dev.hearth.safetensors.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.session.Session;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.engine.GgufCpuBackend;
import dev.hearth.safetensors.onnx.OnnxExport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * llama-mini (random F16 weights, the same as llama-mini-F16.gguf) through ONNX Runtime: logits of every prompt
 * position against llama.cpp's F16 reference and against our GGUF CPU backend, relative L2 below 1e-2.
 */
class OrtLlamaMiniLogitsTest {
    static final double TOLERANCE = 1e-2;

    @TempDir
    static Path cache;
    static int[] tokens;
    static float[][] reference;

    @BeforeAll
    static void readReference() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(OrtTestModels.model("reference/llama-mini-F16.logits")))
                .order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        int vocab = b.getInt();
        tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = b.getInt();
        }
        reference = new float[n][vocab];
        for (float[] row : reference) {
            b.asFloatBuffer().get(row);
            b.position(b.position() + vocab * 4);
        }
    }

    static float[][] ortLogits(Map<String, String> extra) throws IOException {
        Path folder = OrtTestModels.model("models/llama-mini/hf");
        try (LoadedModel m = OrtBackend.cpu(cache).load(OrtTestModels.describe(folder), new LoadOptions(0, 2, -1, extra));
             Session s = m.newSession()) {
            return OrtTestModels.logits(s, tokens);
        }
    }

    @ParameterizedTest(name = "fused={0}, optimization={1}")
    @CsvSource({"false, all", "false, none", "true, all", "true, none"})
    void logitsMatchLlamaCpp(boolean fused, String optimization) throws IOException {
        float[][] ort = ortLogits(Map.of(OrtBackend.OPTION_FUSED, Boolean.toString(fused),
                OrtBackend.OPTION_OPTIMIZATION, optimization));
        double err = OrtTestModels.relativeL2(ort, reference);
        System.out.printf("llama-mini ORT (fused=%s, opt=%s) vs llama.cpp F16: relative L2 %.3e%n", fused, optimization, err);
        assertTrue(err < TOLERANCE, "relative L2 " + err);
    }

    /** The GPU precision run by the CPU provider: F16 weights and activations, RMSNorm and softmax in F32. */
    @ParameterizedTest(name = "fp16 fused={0}")
    @CsvSource({"false", "true"})
    void fp16GraphMatchesLlamaCpp(boolean fused) throws IOException {
        float[][] ort = ortLogits(Map.of(OrtBackend.OPTION_PRECISION, "fp16", OrtBackend.OPTION_FUSED, Boolean.toString(fused)));
        double err = OrtTestModels.relativeL2(ort, reference);
        System.out.printf("llama-mini ORT fp16 (fused=%s) vs llama.cpp F16: relative L2 %.3e%n", fused, err);
        assertTrue(err < TOLERANCE, "relative L2 " + err);
    }

    @Test
    void logitsMatchGgufCpuBackend() throws IOException {
        Path gguf = OrtTestModels.model("models/llama-mini/llama-mini-F16.gguf");
        float[][] ours;
        GgufCpuBackend backend = new GgufCpuBackend();
        try (LoadedModel m = backend.load(new GgufModelFormat().describe(gguf), LoadOptions.defaults().withThreads(2)
                .withContextLength(64)); Session s = m.newSession()) {
            assertArrayEquals(tokens, m.tokenizer().encode(Files.readString(OrtTestModels.model("reference/logits-prompt.txt")).strip(), true, false));
            ours = OrtTestModels.logits(s, tokens);
        }
        float[][] ort = ortLogits(Map.of());
        double err = OrtTestModels.relativeL2(ort, ours);
        System.out.printf("llama-mini ORT vs gguf-cpu: relative L2 %.3e%n", err);
        assertTrue(err < TOLERANCE, "relative L2 " + err);
    }

    @Test
    void optimisationsOnAndOffGiveTheSameLogits() throws IOException {
        float[][] on = ortLogits(Map.of(OrtBackend.OPTION_OPTIMIZATION, "all"));
        float[][] off = ortLogits(Map.of(OrtBackend.OPTION_OPTIMIZATION, "none"));
        double err = OrtTestModels.relativeL2(on, off);
        System.out.printf("llama-mini ORT optimisations all vs none: relative L2 %.3e%n", err);
        assertTrue(err < 1e-5, "relative L2 " + err);
    }

    @Test
    void secondLoadHitsTheExportCache(@TempDir Path own) throws IOException {
        Path folder = OrtTestModels.model("models/llama-mini/hf");
        LoadOptions o = new LoadOptions(64, 2, -1, Map.of(OrtBackend.OPTION_CACHE, own.toString()));
        OnnxExport first;
        OnnxExport second;
        try (LoadedModel m = OrtBackend.cpu(cache).load(OrtTestModels.describe(folder), o)) {
            first = ((OrtLoadedModel) m).export();
        }
        long stamp = Files.getLastModifiedTime(first.modelFile()).toMillis();
        try (LoadedModel m = OrtBackend.cpu(cache).load(OrtTestModels.describe(folder), o)) {
            second = ((OrtLoadedModel) m).export();
        }
        assertFalse(first.fromCache());
        assertTrue(second.fromCache(), "second load should reuse " + first.folder());
        assertTrue(first.folder().equals(second.folder()));
        assertTrue(stamp == Files.getLastModifiedTime(second.modelFile()).toMillis(), "model.onnx was rewritten");
    }

    @Test
    void chunkedAndTokenByTokenEvaluationAgree() throws IOException {
        Path folder = OrtTestModels.model("models/llama-mini/hf");
        try (LoadedModel m = OrtBackend.cpu(cache).load(OrtTestModels.describe(folder), new LoadOptions(0, 2, -1, Map.of()));
             Session s = m.newSession()) {
            float[][] batch = OrtTestModels.logits(s, tokens);
            float[][] single = new float[tokens.length][];
            s.reset();
            for (int i = 0; i < tokens.length; i++) {
                int at = i;
                s.evaluate(tokens, i, i + 1, Session.LogitsMode.LAST, (k, l) -> single[at] = l.clone());
            }
            double err = OrtTestModels.relativeL2(single, batch);
            assertTrue(err < 1e-5, "relative L2 " + err);
        }
    }
}
