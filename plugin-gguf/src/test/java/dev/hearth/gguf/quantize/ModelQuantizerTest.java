package dev.hearth.gguf.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.GgufTensorInfo;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.testing.ModelLogits;
import dev.hearth.gguf.testing.ReferenceLogits;
import dev.hearth.gguf.testing.SharedData;
import dev.hearth.gguf.writer.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The model quantizer: per-type error bounds, llama.cpp's type choices, and the Q4_K_M quality criterion. */
class ModelQuantizerTest {

    @TempDir
    Path dir;

    /**
     * Relative RMS error bounds for N(0, 1) data (n = 4096 · 8 rows): about what each type's bits give (ggml's
     * reference quantizers reach Q8_0 0.4 %, Q6_K 1.6 %, Q5_K 3 %, Q4_K 6.5 %, Q4_0 9 %, Q5_0/Q5_1 4.5 %).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16, 0.001", "BF16, 0.004", "Q8_0, 0.007", "Q6_K, 0.022", "Q5_K, 0.04", "Q5_0, 0.055", "Q5_1, 0.055",
            "Q4_K, 0.08", "Q4_0, 0.11"})
    void roundTripErrorIsWithinTheTypesBound(GgmlType type, double bound) throws Exception {
        long seed = 7;
        int n = 4096;
        int rows = 8;
        float[] x = new float[n * rows];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian() * (i % 977 == 0 ? 8 : 1);
        try (Arena arena = Arena.ofShared(); RowQuantizer q = new RowQuantizer(2)) {
            MemorySegment dst = arena.allocate(type.bytesFor(x.length));
            q.quantize((row, out) -> System.arraycopy(x, (int) row * n, out, 0, n), rows, n, type, dst);
            float[] back = new float[x.length];
            QuantType k = QuantType.byId(type.id());
            for (int row = 0; row < rows; row++) k.dequantizeRow(dst, row * type.bytesFor(n), back, row * n, n);
            double num = 0, den = 0;
            for (int i = 0; i < x.length; i++) {
                num += (back[i] - x[i]) * (double) (back[i] - x[i]);
                den += x[i] * (double) x[i];
            }
            double rel = Math.sqrt(num / den);
            System.out.printf("%s: relative RMS error %.4f (bound %.3f, seed %d)%n", type, rel, bound, seed);
            assertTrue(rel < bound, type + ": relative error " + rel + " >= " + bound + " (seed " + seed + ")");
        }
    }

    @Test
    void commandExitCodesAndOutput() throws Exception {
        Path f16 = SharedData.file("models/llama-mini/llama-mini-F16.gguf");
        dev.hearth.gguf.testing.TestCommandContext ctx = new dev.hearth.gguf.testing.TestCommandContext(dir);
        QuantizeCommand c = new QuantizeCommand();
        assertEquals(dev.hearth.api.command.HearthCommand.USAGE, c.execute(ctx, java.util.List.of(f16.toString(), "o.gguf")));
        assertEquals(dev.hearth.api.command.HearthCommand.USAGE, c.execute(ctx, java.util.List.of(f16.toString(), "o.gguf", "Q3_X")));
        assertEquals(dev.hearth.api.command.HearthCommand.FAILURE, c.execute(ctx, java.util.List.of("missing.gguf", "o.gguf", "Q8_0")));
        assertTrue(ctx.errText().contains("unknown type 'Q3_X'"), ctx.errText());
        assertEquals(dev.hearth.api.command.HearthCommand.OK, c.execute(ctx, java.util.List.of(f16.toString(), "o.gguf", "q8_0", "--threads", "2")));
        try (GgufFile out = GgufFile.open(dir.resolve("o.gguf"));
             GgufFile ref = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-Q8_0.gguf"))) {
            assertEquals(7, out.metadata().getInt(GgufNames.FILE_TYPE));
            // Q8_0 has no search: our blocks are llama.cpp's, byte for byte
            for (GgufTensorInfo t : ref.tensors()) {
                assertEquals(-1L, out.tensorData(out.requireTensor(t.name())).mismatch(ref.tensorData(t)), t.name());
            }
        }
    }

    @Test
    void useMoreBitsMatchesLlamaCpp() {
        // 32 layers: the first 4, the last 4, and every third from layer 6
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) if (TensorTypeRules.useMoreBits(i, 32)) sb.append(i).append(' ');
        assertEquals("0 1 2 3 6 9 12 15 18 21 24 27 28 29 30 31 ", sb.toString());
    }

    /** Our Q4_K_M plan for llama-mini gives every tensor the type llama.cpp's llama-quantize gave it. */
    @Test
    void q4KmTypesMatchLlamaCppFile() throws Exception {
        try (GgufFile f16 = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-F16.gguf"));
             GgufFile ref = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-Q4_K_M.gguf"));
             GgufFile ref8 = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-Q8_0.gguf"))) {
            assertEquals(types(ref), ModelQuantizer.plan(f16, QuantMix.Q4_K_M));
            assertEquals(types(ref8), ModelQuantizer.plan(f16, QuantMix.Q8_0));
        }
    }

    private static Map<String, GgmlType> types(GgufFile f) {
        Map<String, GgmlType> m = new java.util.TreeMap<>();
        for (GgufTensorInfo t : f.tensors()) m.put(t.name(), t.type());
        return m;
    }

    /**
     * The criterion: our Q4_K_M of llama-mini-F16 is at least as close to the F16 logits as llama.cpp's
     * Q4_K_M file. Both are run by our engine against llama.cpp's F16 logits (and llama.cpp's own Q4_K_M logits are
     * printed too).
     */
    @Test
    void q4KmIsAtLeastAsCloseToF16AsLlamaCpps() throws Exception {
        Path f16 = SharedData.file("models/llama-mini/llama-mini-F16.gguf");
        Path theirs = SharedData.file("models/llama-mini/llama-mini-Q4_K_M.gguf");
        ReferenceLogits ref = ReferenceLogits.read(SharedData.file("reference/llama-mini-F16.logits"));
        ReferenceLogits refQ = ReferenceLogits.read(SharedData.file("reference/llama-mini-Q4_K_M.logits"));
        Path ours = dir.resolve("ours-Q4_K_M.gguf");
        try (GgufFile in = GgufFile.open(f16); RowQuantizer rows = new RowQuantizer(2)) {
            new ModelQuantizer(rows).quantize(in, ours, QuantMix.Q4_K_M, Progress.NONE);
        }
        try (GgufFile out = GgufFile.open(ours)) {
            assertEquals(15, out.metadata().getInt(GgufNames.FILE_TYPE));
            assertEquals(2, out.metadata().getInt(GgufNames.QUANTIZATION_VERSION));
        }
        double oursErr = ReferenceLogits.relativeL2(ModelLogits.of(ours, ref.tokens()), ref.logits());
        double theirsErr = ReferenceLogits.relativeL2(ModelLogits.of(theirs, ref.tokens()), ref.logits());
        double theirsOwn = ReferenceLogits.relativeL2(refQ.logits(), ref.logits());
        System.out.printf("Q4_K_M relative L2 vs F16 logits: ours %.4f, llama.cpp's file %.4f (in our engine), "
                + "llama.cpp's file in llama.cpp %.4f; sizes ours %d, theirs %d bytes%n", oursErr, theirsErr, theirsOwn,
                Files.size(ours), Files.size(theirs));
        assertEquals(Files.size(theirs), Files.size(ours), "same types, same layout, same size");
        assertTrue(oursErr <= theirsErr, "ours " + oursErr + " > llama.cpp's " + theirsErr);
        assertTrue(oursErr <= theirsOwn, "ours " + oursErr + " > llama.cpp's own " + theirsOwn);
    }
}
