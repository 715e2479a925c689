package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dot products of every type x size x {scalar, vector}: against the double dot of the reference-dequantized
 * weights with the un-quantized activation (normalised MSE over several rows, a named tolerance per type), and
 * vector against scalar.
 */
class DotTest {

    /** The paths a kernel class offers. */
    enum Path { SCALAR, VECTOR }

    /**
     * NMSE tolerances against the exact dot, about 3x the worst seen over 20 seeds. The only error source is
     * the 8-bit activation plus float rounding (K-quants with mins lose least: their offsets go through the
     * exact integer block sums); a wrong layout gives about 1, a wrong min scale about 1e-3.
     */
    static final Map<QuantType, Double> DOT_NMSE = new EnumMap<>(Map.ofEntries(
            Map.entry(QuantType.F32, 1e-10),
            Map.entry(QuantType.F16, 1e-10),
            Map.entry(QuantType.BF16, 1e-10),
            Map.entry(QuantType.Q8_0, 1e-3),
            Map.entry(QuantType.Q4_0, 5e-4),
            Map.entry(QuantType.Q4_1, 5e-4),
            Map.entry(QuantType.Q5_0, 5e-4),
            Map.entry(QuantType.Q5_1, 5e-4),
            Map.entry(QuantType.Q2_K, 5e-5),
            Map.entry(QuantType.Q3_K, 6e-4),
            Map.entry(QuantType.Q4_K, 5e-5),
            Map.entry(QuantType.Q5_K, 5e-5),
            Map.entry(QuantType.Q6_K, 6e-4),
            Map.entry(QuantType.Q8_K, 1e-3)));

    /** The activation: N(ACTIVATION_MEAN, 1), off zero so that errors in the min / offset terms show. */
    static final float ACTIVATION_MEAN = 0.3f;

    /** Vector against scalar: relative to the sum of |w_i x_i| (float accumulation order only). */
    static final double VECTOR_VS_SCALAR = 1e-5;

    static final int ROWS = 12;

    /**
     * Types whose vector and scalar paths sum in the same fixed order (ggml's x86 order, see {@code GgmlLanes})
     * and so must agree to the bit.
     */
    static final java.util.Set<QuantType> BIT_EXACT = java.util.EnumSet.of(QuantType.Q8_0, QuantType.Q4_K,
            QuantType.Q6_K);

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (QuantType t : QuantType.values()) {
            int bs = t.blockSize();
            int[] sizes = bs == 1 ? new int[] {1, 7, 33, 256, 257, 4096}
                    : bs == 32 ? new int[] {32, 256, 4096} : new int[] {256, 512, 4096};
            for (int n : sizes) {
                for (Path p : Path.values()) {
                    cases.add(Arguments.of(t, n, p));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} n={1} {2}")
    @MethodSource("cases")
    void dotMatchesDoubleReference(QuantType type, int n, Path path) {
        long seed = 31L * type.typeId() + 7L * n + path.ordinal();
        Random rnd = new Random(seed);
        long prefix = 5;
        MemorySegment w = KernelFixtures.randomRows(type, ROWS, n, prefix, rnd);
        int xOff = 3;
        float[] xBuf = new float[xOff + n];
        System.arraycopy(KernelFixtures.gaussian(rnd, n, 1.0), 0, xBuf, xOff, n);
        for (int i = 0; i < n; i++) {
            xBuf[xOff + i] += ACTIVATION_MEAN;
        }
        Activation x = new Activation(n).set(xBuf, xOff, n).prepare(type.activationFormat());

        double[] got = new double[ROWS];
        double[] ref = new double[ROWS];
        double[] other = new double[ROWS];
        double[] magnitude = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            long off = prefix + r * type.rowBytes(n);
            double[] wr = KernelFixtures.referenceRow(type, w, off, n);
            for (int i = 0; i < n; i++) {
                ref[r] += wr[i] * xBuf[xOff + i];
                magnitude[r] += Math.abs(wr[i] * xBuf[xOff + i]);
            }
            got[r] = dot(type, path, w, off, x, n);
            other[r] = dot(type, path == Path.SCALAR ? Path.VECTOR : Path.SCALAR, w, off, x, n);
        }
        double nmse = KernelFixtures.nmse(got, ref);
        double tol = DOT_NMSE.get(type);
        if (!(nmse <= tol)) {
            throw new AssertionError(String.format("%s n=%d %s seed=%d: NMSE %.3g > %.3g (row 0: %g vs %g)",
                    type, n, path, seed, nmse, tol, got[0], ref[0]));
        }
        for (int r = 0; r < ROWS; r++) {
            if (BIT_EXACT.contains(type) && Float.floatToRawIntBits((float) got[r])
                    != Float.floatToRawIntBits((float) other[r])) {
                throw new AssertionError(String.format("%s n=%d seed=%d row %d: vector and scalar must agree to the"
                        + " bit: %s vs %s", type, n, seed, r, Float.toHexString((float) got[r]),
                        Float.toHexString((float) other[r])));
            }
            if (Math.abs(got[r] - other[r]) > VECTOR_VS_SCALAR * magnitude[r] + 1e-30) {
                throw new AssertionError(String.format("%s n=%d seed=%d row %d: vector and scalar differ: %g vs %g",
                        type, n, seed, r, got[r], other[r]));
            }
        }
    }

    /** Calls the kernel class of {@code type} directly, so that both paths are tested whatever Simd says. */
    static float dot(QuantType type, Path path, MemorySegment w, long off, Activation x, int n) {
        boolean v = path == Path.VECTOR;
        return switch (type) {
            case F32 -> v ? F32Kernels.dotVector(w, off, x.values(), x.offset(), n)
                    : F32Kernels.dotScalar(w, off, x.values(), x.offset(), n);
            case F16 -> v ? F16Kernels.dotVector(w, off, x.values(), x.offset(), n)
                    : F16Kernels.dotScalar(w, off, x.values(), x.offset(), n);
            case BF16 -> v ? BF16Kernels.dotVector(w, off, x.values(), x.offset(), n)
                    : BF16Kernels.dotScalar(w, off, x.values(), x.offset(), n);
            case Q8_0 -> v ? Q8_0Kernels.dotVector(w, off, x.q8_0(), n) : Q8_0Kernels.dotScalar(w, off, x.q8_0(), n);
            case Q4_0 -> v ? Q4_0Kernels.dotVector(w, off, x.q8_0(), n) : Q4_0Kernels.dotScalar(w, off, x.q8_0(), n);
            case Q4_1 -> v ? Q4_1Kernels.dotVector(w, off, x.q8_0(), n) : Q4_1Kernels.dotScalar(w, off, x.q8_0(), n);
            case Q5_0 -> v ? Q5_0Kernels.dotVector(w, off, x.q8_0(), n) : Q5_0Kernels.dotScalar(w, off, x.q8_0(), n);
            case Q5_1 -> v ? Q5_1Kernels.dotVector(w, off, x.q8_0(), n) : Q5_1Kernels.dotScalar(w, off, x.q8_0(), n);
            case Q2_K -> v ? Q2_KKernels.dotVector(w, off, x.q8_K(), n) : Q2_KKernels.dotScalar(w, off, x.q8_K(), n);
            case Q3_K -> v ? Q3_KKernels.dotVector(w, off, x.q8_K(), n) : Q3_KKernels.dotScalar(w, off, x.q8_K(), n);
            case Q4_K -> v ? Q4_KKernels.dotVector(w, off, x.q8_K(), n) : Q4_KKernels.dotScalar(w, off, x.q8_K(), n);
            case Q5_K -> v ? Q5_KKernels.dotVector(w, off, x.q8_K(), n) : Q5_KKernels.dotScalar(w, off, x.q8_K(), n);
            case Q6_K -> v ? Q6_KKernels.dotVector(w, off, x.q8_K(), n) : Q6_KKernels.dotScalar(w, off, x.q8_K(), n);
            case Q8_K -> v ? Q8_KKernels.dotVector(w, off, x.q8_K(), n) : Q8_KKernels.dotScalar(w, off, x.q8_K(), n);
        };
    }
}
