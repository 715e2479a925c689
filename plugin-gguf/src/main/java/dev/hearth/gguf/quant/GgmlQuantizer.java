package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.FLOAT_LE;
import static dev.hearth.gguf.quant.Bytes.SHORT_LE;
import static dev.hearth.gguf.quant.Bytes.putF16;
import static dev.hearth.gguf.quant.Bytes.roundToF16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Reference quantizers, float rows to ggml blocks: plain round-to-nearest with ggml's scale choices
 * ({@code quantize_row_*_ref}) where they are simple. For test weights and model tools, not for speed; the
 * K-quant ones skip ggml's iterative scale search (rmse-optimised), so their error is somewhat larger.
 */
public final class GgmlQuantizer {

    private GgmlQuantizer() {
    }

    /**
     * The first element of largest magnitude in {@code x[from, from + n)}, with its sign (ggml's {@code max} of the
     * symmetric quantisers): 0 where all are zero; NaN elements are passed over.
     */
    public static float largestMagnitude(float[] x, int from, int n) {
        float amax = 0f;
        float max = 0f;
        for (int j = from; j < from + n; j++) {
            float ax = Math.abs(x[j]);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        return max;
    }

    /** Whether {@link #quantizeRow} handles {@code type}. */
    public static boolean supports(QuantType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K -> true;
            default -> false;
        };
    }

    /** Quantizes {@code x[off, off + n)} into {@code type.rowBytes(n)} bytes at {@code dst + dstOffset}. */
    public static void quantizeRow(QuantType type, float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        Objects.checkFromIndexSize(off, n, x.length);
        type.rowBytes(n);
        switch (type) {
            case F32 -> MemorySegment.copy(x, off, dst, FLOAT_LE, dstOffset, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(SHORT_LE, dstOffset + 2L * i, Float.floatToFloat16(x[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(SHORT_LE, dstOffset + 2L * i, toBF16(x[off + i]));
                }
            }
            case Q8_0 -> quantizeQ8_0(x, off, n, dst, dstOffset);
            case Q4_0 -> quantizeQ4_0(x, off, n, dst, dstOffset);
            case Q4_K -> KQuantizer.quantizeQ4_K(x, off, n, dst, dstOffset);
            case Q5_K -> KQuantizer.quantizeQ5_K(x, off, n, dst, dstOffset);
            case Q6_K -> KQuantizer.quantizeQ6_K(x, off, n, dst, dstOffset);
            default -> throw new UnsupportedOperationException("no quantizer for " + type
                    + "; have F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K");
        }
    }

    /** Float to bfloat16 bits, rounding to nearest even (NaN stays NaN). */
    public static short toBF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Q8_0: {@code d = max|x| / 127}, {@code q = round(x / d)}. */
    public static void quantizeQ8_0(float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        for (int b = 0; b < n / 32; b++) {
            int base = off + 32 * b;
            long block = dstOffset + 34L * b;
            float amax = 0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            putF16(dst, block, d);
            for (int j = 0; j < 32; j++) {
                dst.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) roundHalfAway(x[base + j] * id));
            }
        }
    }

    /** Q4_0: the element of largest magnitude {@code max} maps to -8, {@code d = max / -8}. */
    public static void quantizeQ4_0(float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        for (int b = 0; b < n / 32; b++) {
            int base = off + 32 * b;
            long block = dstOffset + 18L * b;
            float d = largestMagnitude(x, base, 32) / -8f;
            float id = d != 0f ? 1f / d : 0f;
            putF16(dst, block, d);
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (int) (x[base + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (x[base + j + 16] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) (q0 | q1 << 4));
            }
        }
    }


    private static int nibble(float v, float scale, float min) {
        if (scale == 0f) {
            return 0;
        }
        return Math.clamp((int) Math.rint((v + min) / scale), 0, 15);
    }


    /** C's {@code roundf}: halves away from zero. */
    static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs(v) + 0.5f), v);
    }
}
