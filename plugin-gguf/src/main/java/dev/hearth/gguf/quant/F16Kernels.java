package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.SHORT_LE;
import static dev.hearth.gguf.quant.Simd.FLOAT;
import static dev.hearth.gguf.quant.Simd.INT;
import static dev.hearth.gguf.quant.Simd.SHORT_HALF;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML_TYPE_F16 (id 1): IEEE 754 binary16.
 *
 * <p>Scalar conversion is {@link Float#float16ToFloat} (an intrinsic). JDK 25's incubating Vector API has no
 * half-to-float lane conversion, so {@link #toFloat(ShortVector)} rebuilds the float bits with integer ops and one
 * exact multiplication; rows known to hold no infinity or NaN ({@link #allFinite}) skip most of those steps
 * ({@link #dotScaled}).
 */
public final class F16Kernels {

    public static final int TYPE_SIZE = 2;

    /** Whether {@link #dotFinite} takes {@link #dotScaled}: vector paths on and {@link HalfConversion} so set. */
    private static final boolean SCALED = Simd.ENABLED && HalfConversion.SCALED;

    /** Whether rows of finite halves take a product of their own here ({@link #dotFinite}), worth a scan at load. */
    public static boolean scalesFiniteRows() {
        return SCALED;
    }

    /**
     * The bits a finite half, sign-extended and shifted left by 13, keeps: its sign (bit 31) and its exponent and
     * mantissa (bits 13 to 27); the copies of the sign in bits 28 to 30 go.
     */
    private static final int SCALED_BITS = 0x8FFFFFFF;

    /** A half's exponent bits. */
    private static final short EXPONENT = 0x7C00;

    private F16Kernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src.get(SHORT_LE, byteOffset + 2L * i));
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += Float.float16ToFloat(w.get(SHORT_LE, wOffset + 2L * i)) * x[xOffset + i];
        }
        return sum;
    }

    /** The product with vector multiply-adds; the halves become floats as {@link HalfConversion} chose. */
    public static float dotVector(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        return HalfConversion.LOOP ? dotConverted(w, wOffset, x, xOffset, n) : dotBits(w, wOffset, x, xOffset, n);
    }

    /** {@link #dotVector} converting the halves with the vector steps of {@link #toFloat}. */
    static float dotBits(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        FloatVector acc0 = FloatVector.zero(FLOAT);
        FloatVector acc1 = FloatVector.zero(FLOAT);
        int i = 0;
        for (; i + 2 * lanes <= upper; i += 2 * lanes) {
            acc0 = toFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE))
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i), acc0);
            acc1 = toFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * (i + lanes), LE))
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i + lanes), acc1);
        }
        for (; i < upper; i += lanes) {
            acc0 = toFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE))
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i), acc0);
        }
        float sum = Simd.sumLanes(acc0.add(acc1));
        return sum + dotScalar(w, wOffset + 2L * i, x, xOffset + i, n - i);
    }

    /**
     * {@link #dotVector} for a row of a matrix whose halves are all finite ({@link #allFinite}): {@link #dotScaled}
     * where {@code x} has its floats times 2^112 ({@link Activation#halvesScaled}) and {@link HalfConversion} takes
     * that way, else {@link QuantType#F16}'s own product. The same float either way.
     */
    public static float dotFinite(MemorySegment w, long wOffset, Activation x, int n) {
        float[] scaled = SCALED ? x.halvesScaled() : null;
        return scaled != null ? dotScaled(w, wOffset, scaled, n) : QuantType.F16.dot(w, wOffset, x, n);
    }

    /**
     * {@link #dotBits} of a row whose halves are all finite against {@code xScaled}, the activations times 2^112
     * from index 0, in three integer steps a vector instead of eight: a half's exponent and mantissa bits moved to a
     * float's positions, with its sign, read as 2^-112 times its value (a subnormal float for a subnormal half); the
     * factor of the activations makes up for it, so each product is the half's times the activation's exactly and the
     * sums come out the same to the bit. Infinities and NaNs would read as finite floats here, hence the scan; an
     * activation of 2^16 or more would overflow ({@link Activation#halvesScaled} is null then). Faster than the
     * vector steps on the 2-core Zen 5 workstation, slower than the conversion loop on the Xeon
     * ({@link HalfConversion}).
     */
    static float dotScaled(MemorySegment w, long wOffset, float[] xScaled, int n) {
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        FloatVector acc0 = FloatVector.zero(FLOAT);
        FloatVector acc1 = FloatVector.zero(FLOAT);
        int i = 0;
        for (; i + 2 * lanes <= upper; i += 2 * lanes) {
            acc0 = scaledFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE))
                    .fma(FloatVector.fromArray(FLOAT, xScaled, i), acc0);
            acc1 = scaledFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * (i + lanes), LE))
                    .fma(FloatVector.fromArray(FLOAT, xScaled, i + lanes), acc1);
        }
        for (; i < upper; i += lanes) {
            acc0 = scaledFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE))
                    .fma(FloatVector.fromArray(FLOAT, xScaled, i), acc0);
        }
        float tail = 0f;
        for (; i < n; i++) {
            int h = w.get(SHORT_LE, wOffset + 2L * i);
            tail += Float.intBitsToFloat((h << 13) & SCALED_BITS) * xScaled[i];
        }
        return Simd.sumLanes(acc0.add(acc1)) + tail;
    }

    /** {@code L} finite halves as floats 2^-112 times their values ({@link #dotScaled}). */
    private static FloatVector scaledFloat(ShortVector halves) {
        IntVector h = (IntVector) halves.convertShape(VectorOperators.S2I, INT, 0);
        return h.lanewise(VectorOperators.LSHL, 13).and(SCALED_BITS).reinterpretAsFloats();
    }

    /** Whether none of the {@code count} halves at {@code w + offset} is an infinity or NaN (exponent bits all set). */
    public static boolean allFinite(MemorySegment w, long offset, long count) {
        long i = 0;
        if (Simd.ENABLED) {
            long upper = count - count % SHORT_HALF.length();
            for (; i < upper; i += SHORT_HALF.length()) {
                ShortVector h = ShortVector.fromMemorySegment(SHORT_HALF, w, offset + 2 * i, LE);
                if (h.and(EXPONENT).compare(VectorOperators.EQ, EXPONENT).anyTrue()) return false;
            }
        }
        for (; i < count; i++) {
            if ((w.get(SHORT_LE, offset + 2 * i) & EXPONENT) == EXPONENT) return false;
        }
        return true;
    }

    /** {@link #dotBits} over the row converted by {@link HalfConversion#toFloats}: the same sums in the same order. */
    static float dotConverted(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        return FloatRowKernels.dot(HalfConversion.toFloats(w, wOffset, n), x, xOffset, n);
    }

    /**
     * Converts {@code L} halves ({@link Simd#SHORT_HALF}) to {@code L} floats, exactly: the half's exponent and
     * mantissa bits moved to the float's positions read as a float {@code 2^-112} times the value (for subnormal
     * halves a subnormal float), so one multiplication by {@code 2^112} gives the value, exact because it only
     * shifts the exponent; infinities and NaNs (exponent 31) get the float exponent 255 with their mantissa, and the
     * sign bit comes from the sign-extended short. Eight vector operations where the earlier re-biasing with a
     * separate subnormal path took fourteen; every half converts exactly
     * ({@code DequantizeTest.f16VectorConversionIsExactForEveryHalf}).
     */
    public static FloatVector toFloat(ShortVector halves) {
        IntVector h = (IntVector) halves.convertShape(VectorOperators.S2I, INT, 0);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector bits = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        bits = bits.blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00));
        return bits.or(h.and(0x80000000)).reinterpretAsFloats();
    }
}
