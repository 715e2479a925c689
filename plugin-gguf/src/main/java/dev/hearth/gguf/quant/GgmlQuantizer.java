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

    /** Whether {@link #quantizeRow} handles {@code type}. */
    public static boolean supports(QuantType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K -> true;
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
            case Q4_K -> quantizeQ4_K(x, off, n, dst, dstOffset);
            case Q6_K -> quantizeQ6_K(x, off, n, dst, dstOffset);
            default -> throw new UnsupportedOperationException("no reference quantizer for " + type
                    + "; have F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K");
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
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < 32; j++) {
                if (Math.abs(x[base + j]) > amax) {
                    amax = Math.abs(x[base + j]);
                    max = x[base + j];
                }
            }
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            putF16(dst, block, d);
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (int) (x[base + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (x[base + j + 16] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) (q0 | q1 << 4));
            }
        }
    }

    /**
     * Q4_K: per sub-block of 32, {@code scale = (max - min) / 15} and {@code min' = -min} with {@code min <= 0};
     * scales and mins then quantized to 6 bits against the super-block's largest, quants recomputed with the
     * stored (rounded) values.
     */
    public static void quantizeQ4_K(float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        float[] scales = new float[8];
        float[] mins = new float[8];
        int[] ls = new int[8];
        int[] lm = new int[8];
        for (int b = 0; b < n / 256; b++) {
            int base = off + 256 * b;
            long block = dstOffset + 144L * b;
            float maxScale = 0f;
            float maxMin = 0f;
            for (int j = 0; j < 8; j++) {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < 32; i++) {
                    lo = Math.min(lo, x[base + 32 * j + i]);
                    hi = Math.max(hi, x[base + 32 * j + i]);
                }
                lo = Math.min(lo, 0f);
                scales[j] = (hi - lo) / 15f;
                mins[j] = -lo;
                maxScale = Math.max(maxScale, scales[j]);
                maxMin = Math.max(maxMin, mins[j]);
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (int j = 0; j < 8; j++) {
                ls[j] = Math.min(63, (int) Math.rint(invScale * scales[j]));
                lm[j] = Math.min(63, (int) Math.rint(invMin * mins[j]));
            }
            putF16(dst, block, maxScale / 63f);
            putF16(dst, block + 2, maxMin / 63f);
            byte[] packed = new byte[12];
            for (int j = 0; j < 8; j++) {
                if (j < 4) {
                    packed[j] = (byte) ls[j];
                    packed[j + 4] = (byte) lm[j];
                } else {
                    packed[j + 4] = (byte) ((ls[j] & 0xF) | (lm[j] & 0xF) << 4);
                    packed[j - 4] |= (byte) ((ls[j] >>> 4) << 6);
                    packed[j] |= (byte) ((lm[j] >>> 4) << 6);
                }
            }
            MemorySegment.copy(packed, 0, dst, ValueLayout.JAVA_BYTE, block + 4, 12);
            float d = roundToF16(maxScale / 63f);
            float dmin = roundToF16(maxMin / 63f);
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    int q0 = nibble(x[base + 64 * c + l], d * ls[2 * c], dmin * lm[2 * c]);
                    int q1 = nibble(x[base + 64 * c + 32 + l], d * ls[2 * c + 1], dmin * lm[2 * c + 1]);
                    dst.set(ValueLayout.JAVA_BYTE, block + 16 + 32 * c + l, (byte) (q0 | q1 << 4));
                }
            }
        }
    }

    private static int nibble(float v, float scale, float min) {
        if (scale == 0f) {
            return 0;
        }
        return Math.clamp((int) Math.rint((v + min) / scale), 0, 15);
    }

    /**
     * Q6_K: per group of 16, the element of largest magnitude {@code max} gives {@code scale = max / -32};
     * the scales are quantized to int8 against the largest ({@code iscale = -128 / max_scale}), the quants
     * recomputed with the stored scales and clamped to -32..31.
     */
    public static void quantizeQ6_K(float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        float[] scales = new float[16];
        int[] quants = new int[256];
        for (int b = 0; b < n / 256; b++) {
            int base = off + 256 * b;
            long block = dstOffset + 210L * b;
            float maxScale = 0f;
            float amaxScale = 0f;
            for (int g = 0; g < 16; g++) {
                float amax = 0f;
                float max = 0f;
                for (int i = 0; i < 16; i++) {
                    float v = x[base + 16 * g + i];
                    if (Math.abs(v) > amax) {
                        amax = Math.abs(v);
                        max = v;
                    }
                }
                scales[g] = max / -32f;
                if (Math.abs(scales[g]) > amaxScale) {
                    amaxScale = Math.abs(scales[g]);
                    maxScale = scales[g];
                }
            }
            if (amaxScale == 0f) {
                dst.asSlice(block, 210).fill((byte) 0);
                continue;
            }
            float iscale = -128f / maxScale;
            float d = roundToF16(1f / iscale);
            putF16(dst, block + 208, 1f / iscale);
            for (int g = 0; g < 16; g++) {
                int sc = Math.min(127, (int) Math.rint(iscale * scales[g]));
                dst.set(ValueLayout.JAVA_BYTE, block + 192 + g, (byte) sc);
                float gs = d * sc;
                for (int i = 0; i < 16; i++) {
                    int q = gs == 0f ? 0 : Math.clamp((int) Math.rint(x[base + 16 * g + i] / gs), -32, 31);
                    quants[16 * g + i] = q + 32;
                }
            }
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l++) {
                    int q0 = quants[128 * h + l];
                    int q1 = quants[128 * h + 32 + l];
                    int q2 = quants[128 * h + 64 + l];
                    int q3 = quants[128 * h + 96 + l];
                    dst.set(ValueLayout.JAVA_BYTE, block + 64 * h + l, (byte) ((q0 & 0xF) | (q2 & 0xF) << 4));
                    dst.set(ValueLayout.JAVA_BYTE, block + 64 * h + 32 + l, (byte) ((q1 & 0xF) | (q3 & 0xF) << 4));
                    dst.set(ValueLayout.JAVA_BYTE, block + 128 + 32 * h + l,
                            (byte) ((q0 >>> 4) | (q1 >>> 4) << 2 | (q2 >>> 4) << 4 | (q3 >>> 4) << 6));
                }
            }
        }
    }

    /** C's {@code roundf}: halves away from zero. */
    static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs(v) + 0.5f), v);
    }
}
