package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link UnpackedRow}: K-quant, F16 and BF16 rows equal the single-token kernels to the bit; Q8_0 rows give the dot
 * product of the dequantized weights and the dequantized activation to within float rounding, against a double sum.
 */
class UnpackedRowTest {

    /**
     * Float rounding of a sum of about n / 32 terms per lane, each term rounded once: far below 2e-5 of the sum of
     * the terms' magnitudes (a wrongly ordered or scaled weight is off by a whole term).
     */
    private static final double RELATIVE_TOLERANCE = 2e-5;

    /** Four rows by 11 activations: two four-activation tiles and three single products, at several lengths. */
    @ParameterizedTest
    @ValueSource(ints = {32, 96, 256, 2048, 2816, 5632})
    void q8_0RowsGiveTheDequantizedProduct(int n) {
        QuantType type = QuantType.Q8_0;
        assumeTrue(UnpackedRow.supports(type), "no 256-bit vector path here");
        Random rnd = new Random(31L * n);
        long prefix = 3;
        MemorySegment w = KernelFixtures.randomRows(type, 4, n, prefix, rnd);
        long rowBytes = type.rowBytes(n);
        int tokens = 11;
        Activation[] xs = activations(type, n, tokens, rnd);
        UnpackedRow[] rows = unpackFour(type, w, prefix, n);
        float[][] out = new float[tokens + 1][7];
        UnpackedRow.dotRows(rows, 4, xs, null, 1, tokens + 1, out, 3);
        for (int r = 0; r < 4; r++) {
            float[] weights = new float[n];
            type.dequantizeRow(w, prefix + r * rowBytes, weights, 0, n);
            for (int t = 1; t <= tokens; t++) {
                String where = "n=" + n + " token " + t + " row " + r;
                assertDequantizedProduct(weights, xs[t].q8_0(), out[t][3 + r], where + " tile");
                assertDequantizedProduct(weights, xs[t].q8_0(), rows[r].dot(xs[t]), where + " single");
                assertDequantizedProduct(weights, xs[t].q8_0(), type.dot(w, prefix + r * rowBytes, xs[t], n),
                        where + " integer kernel");
            }
        }
    }

    /**
     * Activations {@code 1 .. tokens} (slot 0 left empty, so that a batch starts past the array's start), each at an
     * offset into a larger array as the engine's batch rows are, prepared for {@code type}.
     */
    private static Activation[] activations(QuantType type, int n, int tokens, Random rnd) {
        Activation[] xs = new Activation[tokens + 1];
        for (int t = 1; t <= tokens; t++) {
            xs[t] = new Activation(n).set(KernelFixtures.gaussian(rnd, n + t, 0.5 + t), t, n)
                    .prepare(type.activationFormat(), true);
        }
        return xs;
    }

    /** Rows 0..3 of {@code w} (from {@code prefix}) unpacked. */
    private static UnpackedRow[] unpackFour(QuantType type, MemorySegment w, long prefix, int n) {
        UnpackedRow[] rows = new UnpackedRow[4];
        for (int r = 0; r < 4; r++) {
            rows[r] = new UnpackedRow();
            rows[r].unpack(type, w, prefix + r * type.rowBytes(n), n);
        }
        return rows;
    }

    private static void assertDequantizedProduct(float[] weights, Q8Activation x, float actual, String where) {
        double sum = 0;
        double magnitude = 0;
        for (int i = 0; i < weights.length; i++) {
            double term = (double) weights[i] * x.get(i);
            sum += term;
            magnitude += Math.abs(term);
        }
        assertEquals(sum, actual, RELATIVE_TOLERANCE * magnitude, where);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 1024, 2048, 2816, 5632})
    void q4KMatchesDotBitForBit(int n) {
        matchesDotBitForBit(QuantType.Q4_K, n);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 1024, 2048, 2816, 5632})
    void q6KMatchesDotBitForBit(int n) {
        matchesDotBitForBit(QuantType.Q6_K, n);
    }

    private static void matchesDotBitForBit(QuantType type, int n) {
        assumeTrue(UnpackedRow.supports(type), "no 256-bit vector path here");
        Random rnd = new Random(n);
        int rows = 6;
        long prefix = 3;
        MemorySegment w = KernelFixtures.randomRows(type, rows, n, prefix, rnd);
        long rowBytes = type.rowBytes(n);
        Activation[] xs = new Activation[4];
        for (int t = 0; t < xs.length; t++) {
            float[] v = KernelFixtures.gaussian(rnd, n + t, 1.0 + t);
            xs[t] = new Activation(n).set(v, t, n).prepare(ActivationFormat.Q8_K, true);
        }
        UnpackedRow row = new UnpackedRow();
        for (int r = 0; r < rows; r++) {
            long off = prefix + r * rowBytes;
            row.unpack(type, w, off, n);
            for (int t = 0; t < xs.length; t++) {
                float expected = type.dot(w, off, xs[t], n);
                float actual = row.dot(xs[t]);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        () -> type + " n=" + n + " expected " + expected + " got " + actual);
            }
        }
    }

    /** Four rows by 11 activations: two four-activation tiles and three single products, all equal to the bit. */
    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q6_K"})
    void fourRowTilesMatchDotBitForBit(String typeName) {
        QuantType type = QuantType.valueOf(typeName);
        assumeTrue(UnpackedRow.supports(type), "no 256-bit vector path here");
        int n = 2816;
        Random rnd = new Random(typeName.hashCode());
        long prefix = 1;
        MemorySegment w = KernelFixtures.randomRows(type, 4, n, prefix, rnd);
        long rowBytes = type.rowBytes(n);
        int tokens = 11;
        Activation[] xs = activations(type, n, tokens, rnd);
        float[][] out = new float[tokens + 1][7];
        UnpackedRow[] rows = unpackFour(type, w, prefix, n);
        UnpackedRow.dotRows(rows, 4, xs, null, 1, tokens + 1, out, 3);
        for (int t = 1; t <= tokens; t++) {
            for (int r = 0; r < 4; r++) {
                float expected = type.dot(w, prefix + r * rowBytes, xs[t], n);
                float actual = out[t][3 + r];
                String where = type + " token " + t + " row " + r;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        () -> where + ": expected " + expected + " got " + actual);
            }
        }
    }

    /**
     * The 512-bit and the 256-bit K-quant tiles both equal dot to the bit on the same rows, so {@link PromptTile}'s
     * choice by CPU changes no result.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q6_K"})
    void wideTileMatchesDotBitForBit(String typeName) {
        QuantType type = QuantType.valueOf(typeName);
        assumeTrue(GgmlLanes.WIDE, "no 512-bit vectors here");
        int n = 2816;
        Random rnd = new Random(typeName.hashCode() + 1);
        long prefix = 5;
        MemorySegment w = KernelFixtures.randomRows(type, 4, n, prefix, rnd);
        long rowBytes = type.rowBytes(n);
        Q8Activation[] xs = new Q8Activation[4];
        Activation[] as = new Activation[4];
        for (int t = 0; t < 4; t++) {
            as[t] = new Activation(n).set(KernelFixtures.gaussian(rnd, n, 0.7 + t), 0, n).prepare(ActivationFormat.Q8_K, true);
            xs[t] = as[t].q8_K();
        }
        UnpackedRow[] rows = new UnpackedRow[4];
        for (int r = 0; r < 4; r++) {
            rows[r] = new UnpackedRow();
            rows[r].unpack(type, w, prefix + r * rowBytes, n);
        }
        float[][] out = new float[4][6];
        float[][] narrow = new float[4][6];
        UnpackedKernels.dot4x4(true, rows, xs[0], xs[1], xs[2], xs[3], out[0], out[1], out[2], out[3], 2);
        UnpackedKernels.dot4x4(false, rows, xs[0], xs[1], xs[2], xs[3], narrow[0], narrow[1], narrow[2], narrow[3], 2);
        for (int t = 0; t < 4; t++) {
            for (int r = 0; r < 4; r++) {
                float expected = type.dot(w, prefix + r * rowBytes, as[t], n);
                float actual = out[t][2 + r];
                float actualNarrow = narrow[t][2 + r];
                String where = type + " token " + t + " row " + r;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        () -> where + ": expected " + expected + " got " + actual);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actualNarrow),
                        () -> where + " (256-bit tile): expected " + expected + " got " + actualNarrow);
            }
        }
    }

    /**
     * F16 / BF16 / Q8_0 float rows: tiles of 4 and of 16 rows by batches of 1 to 13 activations (every mix of six-
     * and four-token tiles, the last one part filled), of 96 and of 101, at lengths with and
     * without a scalar tail and an odd pair of vectors, each product equal to the bit to the row's single-token dot;
     * for F16 / BF16 that and the type's kernel (two accumulators, not one) lie within float rounding of the exact
     * sum.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 32, 33, 100, 2048, 2049, 2056, 2816, 5632, 5650})
    void floatRowsMatchDotBitForBit(int n) {
        for (QuantType type : new QuantType[] {QuantType.F16, QuantType.BF16, QuantType.Q8_0}) {
            assumeTrue(UnpackedRow.supports(type), "vector paths off");
            if (n % type.blockSize() != 0) continue;
            Random rnd = new Random(31L * n + type.ordinal());
            long prefix = 2;
            MemorySegment w = KernelFixtures.randomRows(type, 16, n, prefix, rnd);
            long rowBytes = type.rowBytes(n);
            int most = n <= 2816 ? 101 : 13;
            Activation[] xs = new Activation[most];
            for (int t = 0; t < most; t++) {
                // activations at an offset into a larger array, as the engine's batch rows are
                xs[t] = new Activation(n).set(KernelFixtures.gaussian(rnd, n + 3 + t, 0.5 + t % 7), 3 + t, n)
                        .prepare(type.activationFormat(), true);
            }
            UnpackedRow[] rows = new UnpackedRow[16];
            for (int r = 0; r < 16; r++) {
                rows[r] = new UnpackedRow();
                rows[r].unpack(type, w, prefix + r * rowBytes, n);
            }
            for (int tokens = 1; tokens <= most; tokens = tokens == 13 ? 96 : tokens == 96 ? 101 : tokens + 1) {
                for (int count : new int[] {4, 16}) {
                    for (int width : new int[] {4, 6}) {
                        float[][] out = new float[tokens][2 + count];
                        UnpackedRow.dotRows(rows, count, xs, null, 0, tokens, out, 2, width);
                        for (int t = 0; t < tokens; t++) {
                            for (int r = 0; r < count; r++) {
                                float single = rows[r].dot(xs[t]);
                                float tile = out[t][2 + r];
                                String where = type + " n=" + n + " " + count + " rows, tiles of " + width + ", batch "
                                        + tokens + " token " + t + " row " + r;
                                assertEquals(Float.floatToRawIntBits(single), Float.floatToRawIntBits(tile),
                                        where + ": single " + single + ", tile " + tile);
                            }
                        }
                    }
                }
                for (int t = 0; t < tokens && type != QuantType.Q8_0; t++) {
                    for (int r = 0; r < 4; r++) {
                        // one accumulator a row against the kernel's two: both within float rounding of the exact sum
                        float[] weights = new float[n];
                        type.dequantizeRow(w, prefix + r * rowBytes, weights, 0, n);
                        double exact = 0;
                        double magnitude = 0;
                        for (int i = 0; i < n; i++) {
                            double term = (double) weights[i] * xs[t].values()[xs[t].offset() + i];
                            exact += term;
                            magnitude += Math.abs(term);
                        }
                        double bound = 0x1p-20 * magnitude;
                        String where = type + " n=" + n + " token " + t + " row " + r;
                        assertEquals(exact, type.dot(w, prefix + r * rowBytes, xs[t], n), bound,
                                where + ": the single-token kernel");
                        assertEquals(exact, rows[r].dot(xs[t]), bound, where + ": the unpacked row");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 2048})
    void reusedScratchShrinksGrowsAndSwitchesType(int n) {
        assumeTrue(UnpackedRow.supports(QuantType.Q4_K), "no 256-bit vector path here");
        Random rnd = new Random(7 + n);
        UnpackedRow row = new UnpackedRow();
        int step = 0;
        for (int size : new int[] {4 * n, n, 2 * n, n, 8 * n}) {
            QuantType type = step++ % 2 == 0 ? QuantType.Q4_K : QuantType.Q6_K;
            MemorySegment w = KernelFixtures.randomRows(type, 1, size, 0, rnd);
            Activation x = new Activation(size).set(KernelFixtures.gaussian(rnd, size, 1.0), 0, size)
                    .prepare(ActivationFormat.Q8_K, true);
            row.unpack(type, w, 0, size);
            assertEquals(Float.floatToRawIntBits(type.dot(w, 0, x, size)),
                    Float.floatToRawIntBits(row.dot(x)));
        }
    }
}
