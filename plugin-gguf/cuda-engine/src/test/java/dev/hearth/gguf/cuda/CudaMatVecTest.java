package dev.hearth.gguf.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.ActivationFormat;
import dev.hearth.gguf.quant.GgmlQuantizer;
import dev.hearth.gguf.quant.Q8Activation;
import dev.hearth.gguf.quant.QuantType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code matvec.cu} and {@code embed.cu} against the CPU's dequantization, reference in double: every GPU weight type
 * x sizes (odd row counts, rows not a multiple of the block of 4, float rows not a multiple of 8) x plain and
 * accumulating. Seeded; the seed is in the test name.
 */
@EnabledIfSystemProperty(named = CudaTestDevice.SWITCH, matches = "true")
class CudaMatVecTest {

    /** float32 accumulation over up to 5632 products: far under this. */
    private static final double TOLERANCE = 1e-5;

    private static CudaDevice device;
    private static CudaKernels kernels;
    private static CudaStream stream;

    @BeforeAll
    static void setUp() {
        device = CudaTestDevice.get();
        kernels = new CudaKernels(device);
        stream = device.createStream();
    }

    @AfterAll
    static void tearDown() {
        if (stream != null) stream.close();
        if (kernels != null) kernels.close();
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        long seed = 42;
        for (QuantType t : CudaMatVec.TYPES) {
            int[][] sizes = {{37, 256}, {128, 768}, {5, 5632}, {2048 + 3, 2048}};
            for (int[] s : sizes) b.add(Arguments.of(t, s[0], s[1], seed++));
            if (CudaMatVec.isFloat(t)) b.add(Arguments.of(t, 7, 172, seed++)); // stories260K's ffn: scalar path
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}x{2} seed {3}")
    @MethodSource("cases")
    void matchesDequantizedReference(QuantType type, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            long rowBytes = type.rowBytes(cols);
            MemorySegment w = arena.allocate(rowBytes * rows, 16);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) row[i] = (float) rnd.nextGaussian() * 0.05f;
                quantize(type, row, w, r * rowBytes);
            }
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) x[i] = (float) rnd.nextGaussian();
            float[] y0 = new float[rows];
            for (int i = 0; i < rows; i++) y0[i] = (float) rnd.nextGaussian();

            // reference in double from the CPU engine's dequantization
            double[] ref = new double[rows];
            for (int r = 0; r < rows; r++) {
                type.dequantizeRow(w, r * rowBytes, row, 0, cols);
                double s = 0;
                for (int i = 0; i < cols; i++) s += (double) row[i] * x[i];
                ref[r] = s;
            }

            device.makeCurrent();
            try (CudaBuffer wb = device.allocate(w.byteSize() + CudaWeights.PADDING, "test");
                 CudaBuffer xb = device.allocate(cols * 4L, "test");
                 CudaBuffer yb = device.allocate(rows * 4L, "test")) {
                wb.upload(w, 0);
                xb.upload(MemorySegment.ofArray(x), 0);
                CudaTensor t = new CudaTensor("w", type, wb, rows, cols);
                yb.fill((byte) 0x7f); // poison: every element must be written
                kernels.matVec.launchF32(stream, t, xb, yb, false);
                stream.synchronize();
                float[] y = new float[rows];
                yb.download(MemorySegment.ofArray(y), 0);
                assertClose(ref, y, 0, type + " plain, seed " + seed);

                yb.upload(MemorySegment.ofArray(y0), 0);
                kernels.matVec.launchF32(stream, t, xb, yb, true);
                stream.synchronize();
                yb.download(MemorySegment.ofArray(y), 0);
                double[] refAcc = new double[rows];
                for (int r = 0; r < rows; r++) refAcc[r] = ref[r] + y0[r];
                assertClose(refAcc, y, 0, type + " accumulate, seed " + seed);

                if (type.activationFormat() == ActivationFormat.F32 && cols % 8 == 0) { // rows shared by warps
                    yb.upload(MemorySegment.ofArray(y0), 0);
                    kernels.matVec.launch(stream, t, new CudaActivation(xb, null, null, null, null), yb, true, true);
                    stream.synchronize();
                    yb.download(MemorySegment.ofArray(y), 0);
                    assertClose(refAcc, y, 0, type + " accumulate, " + CudaMatVec.warpsPerRow(type, cols)
                            + " warps a row, seed " + seed);
                }

                if (type.activationFormat() != ActivationFormat.F32) q8Path(t, w, x, rows, cols, xb, yb, seed);

                // the embedding lookup of row 3 (token id from params[0]) against the CPU dequantization
                int token = Math.min(3, rows - 1);
                try (CudaBuffer params = device.allocate(16, "test");
                     CudaBuffer out = device.allocate(cols * 4L, "test")) {
                    params.upload(MemorySegment.ofArray(new int[] {token, 0, 0, 0}), 0);
                    kernels.embed.launch(stream, t, params, out);
                    stream.synchronize();
                    float[] got = new float[cols];
                    out.download(MemorySegment.ofArray(got), 0);
                    type.dequantizeRow(w, token * rowBytes, row, 0, cols);
                    double[] want = new double[cols];
                    for (int i = 0; i < cols; i++) want[i] = row[i];
                    assertClose(want, got, 0, type + " embed, seed " + seed);
                }
            }
        }
    }

    /**
     * The prompt pass's tensor-core product (prompt.cu gemm_*) over 70 activation rows against the double reference:
     * float weights are rounded to F16 (about 2^-11 relative per weight) against F16-rounded activations; quantized
     * weights meet the CPU's 8-bit activation quants as exact integers.
     */
    @ParameterizedTest(name = "{0} {1}x{2} seed {3}")
    @MethodSource("cases")
    void promptProductMatchesReference(QuantType type, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        int tokens = 70;
        try (Arena arena = Arena.ofConfined()) {
            long rowBytes = type.rowBytes(cols);
            MemorySegment w = arena.allocate(rowBytes * rows, 16);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) row[i] = (float) rnd.nextGaussian() * 0.05f;
                quantize(type, row, w, r * rowBytes);
            }
            float[] x = new float[tokens * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            float[][] deq = new float[rows][cols];
            for (int r = 0; r < rows; r++) type.dequantizeRow(w, r * rowBytes, deq[r], 0, cols);
            // the activation as the product sees it: F16-rounded, or the CPU's 8-bit quants times their scales
            ActivationFormat f = type.activationFormat();
            double[] xs = new double[x.length];
            for (int m = 0; m < tokens; m++) {
                if (f == ActivationFormat.F32) {
                    for (int i = 0; i < cols; i++) xs[m * cols + i] = Float.float16ToFloat(Float.floatToFloat16(x[m * cols + i]));
                } else {
                    int block = f == ActivationFormat.Q8_K ? 256 : 32;
                    Q8Activation cpu = new Q8Activation(cols);
                    if (block == 256) Q8Activation.quantizeQ8_K(x, m * cols, cols, cpu);
                    else Q8Activation.quantizeQ8_0(x, m * cols, cols, cpu);
                    for (int i = 0; i < cols; i++) xs[m * cols + i] = (double) cpu.scales()[i / block] * cpu.quants()[i];
                }
            }
            double[] ref = new double[tokens * rows];
            for (int m = 0; m < tokens; m++) {
                for (int r = 0; r < rows; r++) {
                    double acc = 0;
                    for (int i = 0; i < cols; i++) acc += (double) deq[r][i] * xs[m * cols + i];
                    ref[m * rows + r] = acc;
                }
            }
            int ld = CudaPrompt.ld(cols);
            device.makeCurrent();
            try (CudaBuffer wb = device.allocate(w.byteSize(), "test");
                 CudaBuffer xb = device.allocate(x.length * 4L, "test");
                 CudaBuffer hb = device.allocate((long) tokens * ld * 2, "test");
                 CudaBuffer yb = device.allocate((long) tokens * rows * 4, "test");
                 CudaBuffer db = device.allocate((long) tokens * ld / 32 * 4, "test");
                 CudaBuffer sb = device.allocate((long) tokens * ld / 16 * 4, "test")) {
                wb.upload(w, 0);
                xb.upload(MemorySegment.ofArray(x), 0);
                hb.fill((byte) 0x7f);
                CudaPrompt.Act act = new CudaPrompt.Act(hb, db, sb);
                yb.fill((byte) 0x7f);
                CudaTensor t = new CudaTensor("w", type, wb, rows, cols);
                kernels.prompt.act(stream, xb.pointer(), null, null, 0f, tokens, cols, act, ld, f);
                kernels.prompt.gemm(stream, act, ld, tokens, false, new CudaPrompt.Product(t, yb.pointer(), rows));
                stream.synchronize();
                float[] y = new float[tokens * rows];
                yb.download(MemorySegment.ofArray(y), 0);
                double num = 0;
                double den = 0;
                for (int i = 0; i < y.length; i++) {
                    assertTrue(Float.isFinite(y[i]), type + ": element " + i + " is " + y[i]);
                    num += (y[i] - ref[i]) * (y[i] - ref[i]);
                    den += ref[i] * ref[i];
                }
                double err = Math.sqrt(num / den);
                // float weights: F16 rounding of each weight; quantized: the same integer sums, then float sums of
                // a few hundred scaled partials (2.7e-5 seen on Q4_0 5x5632, whose five dot products cancel)
                double tolerance = f == ActivationFormat.F32 ? 2e-3 : 1e-4;
                assertTrue(err < tolerance, type + " prompt product: relative L2 error " + err);
                if (CudaPrompt.f16Path(t, ld) || CudaPrompt.int8Path(t, ld)) fastMatchesPlain(act, ld, tokens, t, yb, y);
                else assertTrue(type != QuantType.F16 && CudaMatVec.isFloat(type) || cols % 32 != 0
                        || type == QuantType.Q6_K && cols % 512 != 0, type + " " + cols + " columns: no fast kernel");
            }
        }
    }

    /**
     * Three products of one type in one launch (as q, k, v and gate, up run) against each alone on the F16 kernel,
     * plain and accumulating (onto the same values: exactly twice them).
     */
    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("groupCases")
    void groupedPromptProductsMatchSingleOnes(QuantType type, long seed) {
        Random rnd = new Random(seed);
        int tokens = 70;
        int cols = 512;
        int[] rows = {300, 64, 37};
        int ld = CudaPrompt.ld(cols);
        long rowBytes = type.rowBytes(cols);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        device.makeCurrent();
        CudaBuffer[] wb = new CudaBuffer[3];
        CudaBuffer[] yb = new CudaBuffer[3];
        try (Arena arena = Arena.ofConfined();
             CudaBuffer xb = device.allocate(x.length * 4L, "test");
             CudaBuffer hb = device.allocate((long) tokens * ld * 2, "test");
             CudaBuffer db = device.allocate((long) tokens * ld / 32 * 4, "test");
             CudaBuffer sb = device.allocate((long) tokens * ld / 16 * 4, "test")) {
            CudaPrompt.Product[] ps = new CudaPrompt.Product[3];
            float[][] ref = new float[3][];
            float[] row = new float[cols];
            for (int k = 0; k < 3; k++) {
                MemorySegment w = arena.allocate(rowBytes * rows[k], 16);
                for (int r = 0; r < rows[k]; r++) {
                    for (int i = 0; i < cols; i++) row[i] = (float) rnd.nextGaussian() * 0.05f;
                    quantize(type, row, w, r * rowBytes);
                }
                wb[k] = device.allocate(w.byteSize(), "test");
                wb[k].upload(w, 0);
                yb[k] = device.allocate((long) tokens * rows[k] * 4, "test");
                ps[k] = new CudaPrompt.Product(new CudaTensor("w" + k, type, wb[k], rows[k], cols), yb[k].pointer(),
                        rows[k]);
            }
            xb.upload(MemorySegment.ofArray(x), 0);
            CudaPrompt.Act act = new CudaPrompt.Act(hb, db, sb);
            kernels.prompt.act(stream, xb.pointer(), null, null, 0f, tokens, cols, act, ld, type.activationFormat());
            for (int k = 0; k < 3; k++) {
                kernels.prompt.gemmF16(stream, act, ld, tokens, ps[k].w(), yb[k].pointer(), rows[k], false);
                stream.synchronize();
                ref[k] = new float[tokens * rows[k]];
                yb[k].download(MemorySegment.ofArray(ref[k]), 0);
                yb[k].fill((byte) 0x7f);
            }
            kernels.prompt.gemm(stream, act, ld, tokens, false, ps);
            stream.synchronize();
            for (int k = 0; k < 3; k++) {
                float[] y = new float[ref[k].length];
                yb[k].download(MemorySegment.ofArray(y), 0);
                assertSame(ref[k], y, ps[k].w(), "product " + k + " of 3 in one launch");
            }
            kernels.prompt.gemm(stream, act, ld, tokens, true, ps);
            stream.synchronize();
            for (int k = 0; k < 3; k++) {
                float[] y = new float[ref[k].length];
                yb[k].download(MemorySegment.ofArray(y), 0);
                float[] twice = ref[k].clone();
                for (int i = 0; i < twice.length; i++) twice[i] *= 2;
                assertSame(twice, y, ps[k].w(), "product " + k + " of 3 in one launch, accumulating");
            }
        } finally {
            for (CudaBuffer b : wb) if (b != null) b.close();
            for (CudaBuffer b : yb) if (b != null) b.close();
        }
    }

    static Stream<Arguments> groupCases() {
        return Stream.of(QuantType.F16, QuantType.Q8_0, QuantType.Q4_0, QuantType.Q4_K, QuantType.Q6_K)
                .map(t -> Arguments.of(t, 1000L + t.ordinal()));
    }

    /**
     * The fast prompt products against the plain tensor-core kernel (gemm) on the same activation, each variant
     * (gemmh: every tile; gemm8: both block heights) bit for bit: the same exact integer sums, or the same mma chain
     * per output, scaled in the same order.
     */
    private static void fastMatchesPlain(CudaPrompt.Act act, int ld, int tokens, CudaTensor t, CudaBuffer yb,
                                         float[] y) {
        float[] ref = new float[y.length];
        kernels.prompt.gemmF16(stream, act, ld, tokens, t, yb.pointer(), t.rows(), false);
        stream.synchronize();
        yb.download(MemorySegment.ofArray(ref), 0);
        boolean f16 = CudaPrompt.f16Path(t, ld);
        int variants = f16 ? CudaPrompt.TILES_F16.length : 2;
        for (int v = 0; v < variants; v++) {
            yb.fill((byte) 0x7f);
            CudaPrompt.Product out = new CudaPrompt.Product(t, yb.pointer(), t.rows());
            String what;
            if (f16) {
                kernels.prompt.gemmh(stream, act, ld, tokens, false, v, out);
                what = "gemmh " + java.util.Arrays.toString(CudaPrompt.TILES_F16[v]);
            } else {
                int bm = v == 0 ? 64 : 32;
                kernels.prompt.gemm8(stream, act, ld, tokens, false, bm, out);
                what = "gemm8 with " + bm + "-token blocks";
            }
            stream.synchronize();
            yb.download(MemorySegment.ofArray(y), 0);
            assertSame(ref, y, t, what);
        }
    }

    private static void assertSame(float[] ref, float[] y, CudaTensor t, String what) {
        int differ = 0;
        int first = -1;
        for (int i = 0; i < y.length; i++) {
            if (y[i] != ref[i]) {
                differ++;
                if (first < 0) first = i;
            }
        }
        String where = first < 0 ? "" : " (first at " + first + ": " + y[first] + " vs " + ref[first] + ")";
        assertEquals(0, differ, t.type() + " " + t.rows() + "x" + t.cols() + " " + what
                + ": elements differing from gemm" + where);
    }

    /**
     * Activation quantized on the GPU exactly as the CPU quantizes it (same quants and scales), then the integer
     * dot products against the double reference over the 8-bit activation.
     */
    private static void q8Path(CudaTensor t, MemorySegment w, float[] x, int rows, int cols, CudaBuffer xb,
                               CudaBuffer yb, long seed) {
        QuantType type = t.type();
        boolean k = type.activationFormat() == ActivationFormat.Q8_K;
        int block = k ? 256 : 32;
        Q8Activation cpu = new Q8Activation(cols);
        if (k) Q8Activation.quantizeQ8_K(x, 0, cols, cpu);
        else Q8Activation.quantizeQ8_0(x, 0, cols, cpu);
        long scaleBytes = k ? CudaQuantize.q8kScaleBytes(cols) : cols / block * 4L;
        try (CudaBuffer q = device.allocate(cols, "test"); CudaBuffer d = device.allocate(scaleBytes, "test")) {
            CudaActivation act = k ? new CudaActivation(xb, null, null, q, d) : new CudaActivation(xb, q, d, null, null);
            kernels.quantize.launch(stream, act, cols, t);
            kernels.matVec.launch(stream, t, act, yb, false, false);
            stream.synchronize();
            byte[] stored = new byte[cols];
            float[] gd = new float[(int) (scaleBytes / 4)];
            q.download(MemorySegment.ofArray(stored), 0);
            d.download(MemorySegment.ofArray(gd), 0);
            byte[] gq = new byte[cols];
            for (int i = 0; i < cols; i++) gq[i] = stored[k ? CudaQuantize.q8kQuantIndex(i) : i];
            if (k) { // each 32-value run's quant sum after the (even-padded) scales
                int runs = (int) (scaleBytes / 4) - cols / 32;
                for (int j = 0; j < cols / 32; j++) {
                    int sum = 0;
                    for (int i = 32 * j; i < 32 * j + 32; i++) sum += cpu.quants()[i];
                    assertEquals(sum, Float.floatToRawIntBits(gd[runs + j]), type + " run sum " + j);
                }
            }
            gd = java.util.Arrays.copyOf(gd, cols / block);
            assertArrayEquals(java.util.Arrays.copyOf(cpu.quants(), cols), gq, type + " activation quants, seed " + seed);
            assertArrayEquals(java.util.Arrays.copyOf(cpu.scales(), cols / block), gd, type + " activation scales");
            float[] row = new float[cols];
            double[] ref = new double[rows];
            for (int r = 0; r < rows; r++) {
                type.dequantizeRow(w, r * t.rowBytes(), row, 0, cols);
                double s = 0;
                for (int i = 0; i < cols; i++) s += (double) row[i] * cpu.scales()[i / block] * cpu.quants()[i];
                ref[r] = s;
            }
            float[] y = new float[rows];
            yb.download(MemorySegment.ofArray(y), 0);
            assertClose(ref, y, 0, type + " against 8-bit activations, seed " + seed);
            // the same float sums as the CPU engine (ggml's x86 order), so the same bits; Q8_0 sums in a faster
            // order of its own (matvec.cu, warp_dot_q8_0)
            Activation a = new Activation(cols).set(x, 0, cols).prepare(type.activationFormat());
            for (int r = 0; r < rows && type != QuantType.Q8_0; r++) {
                float cpuDot = type.dot(w, r * t.rowBytes(), a, cols);
                assertEquals(cpuDot, y[r], 0f, type + " row " + r + " vs the CPU engine, seed " + seed);
            }

            // Q8_0 rows shared by warps (another order of the same products)
            if (type == QuantType.Q8_0) {
                kernels.matVec.launch(stream, t, act, yb, false, true);
                stream.synchronize();
                yb.download(MemorySegment.ofArray(y), 0);
                assertClose(ref, y, 0, type + " " + CudaMatVec.warpsPerRow(type, cols) + " warps a row, seed " + seed);
            }
        }
    }

    private static void quantize(QuantType type, float[] row, MemorySegment dst, long off) {
        GgmlQuantizer.quantizeRow(type, row, 0, row.length, dst, off);
    }

    private static void assertClose(double[] ref, float[] got, int unused, String what) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            assertTrue(Float.isFinite(got[i]), what + ": element " + i + " is " + got[i]);
            num += (got[i] - ref[i]) * (got[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        double err = Math.sqrt(num / den);
        assertTrue(err < TOLERANCE, what + ": relative L2 error " + err + " >= " + TOLERANCE);
    }
}
