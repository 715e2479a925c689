package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Row quantizers for the K-quant types with the error-minimising scale search that llama.cpp's
 * {@code quantize_row_q4_K_ref}, {@code _q5_K_ref} and {@code _q6_K_ref} run when no importance matrix is given
 * (facts from ggml-quants.c: which search, its step sizes and weights; the code is our own). The reference
 * quantizers in {@code dev.hearth.gguf.quant.GgmlQuantizer} take the plain min/max scales instead, which costs
 * accuracy that shows in a Q4_K_M model's logits.
 *
 * <h2>Q4_K and Q5_K</h2>
 * Per sub-block of 32: weights {@code w = sqrt(mean(x²)) + |x|}; start from {@code scale = (max - min) / nmax}
 * ({@code min <= 0}); try trial inverse scales {@code (nmax + rmin + rdelta·k) / (max - min)}, and for each
 * rounding solve the weighted least-squares fit of {@code x ≈ scale·q - m}, keeping the best. The sub-block scales
 * and mins are then stored as 6-bit multiples of the super-block's {@code d} and {@code dmin} (fp16), and every
 * weight re-rounded against the stored values.
 *
 * <p>One deliberate difference: llama.cpp tries 21 trial scales within {@code nmax - 1 .. nmax + 1} (Q4_K) or 16
 * within {@code nmax - 0.5 .. nmax + 1} (Q5_K); we try 81 within {@code nmax - 2 .. nmax + 2} for both. The file
 * format and the type choices are unchanged; the fit is tighter. On llama-mini this takes the Q4_K_M logits'
 * relative L2 error against F16 from 0.247 (llama.cpp's search, in our code) to 0.216, where llama.cpp's own
 * Q4_K_M file gives 0.244 (ModelQuantizerTest, docs/perf.md "Quantizer quality"). A variant that re-tried each
 * stored 6-bit scale ±1 for the smallest squared error lowered the weight error yet raised the logit error (0.27),
 * so it was dropped.
 *
 * <h2>Q6_K</h2>
 * Per group of 16: weights {@code x²}; the signed extreme maps to -32; 19 trial scales around it, each rounding
 * refitted by weighted least squares; group scales stored as int8 multiples of the fp16 {@code d}.
 *
 * <p>Pure functions: no state, each call allocates its few scratch arrays.
 */
public final class KQuantizer {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The trial inverse scales: {@code nmax + RMIN + RDELTA·k}, k = 0..NSTEP (llama.cpp: -1, 0.1, 20 for Q4_K). */
    static final float RMIN = -2f;
    static final float RDELTA = 0.05f;
    static final int NSTEP = 80;

    private KQuantizer() {}

    // ---- Q4_K / Q5_K ------------------------------------------------------------------------------------------

    /** Q4_K (144 bytes per 256): {@code x[off, off + n)} to {@code dst + dstOffset}. */
    public static void quantizeQ4_K(float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        quantizeScaleMin(x, off, n, dst, dstOffset, 15, 144, RMIN, RDELTA, NSTEP);
    }

    /** Q5_K (176 bytes per 256). */
    public static void quantizeQ5_K(float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        quantizeScaleMin(x, off, n, dst, dstOffset, 31, 176, RMIN, RDELTA, NSTEP);
    }

    private static void quantizeScaleMin(float[] x, int off, int n, MemorySegment dst, long dstOffset, int nmax,
                                         int typeSize, float rmin, float rdelta, int nstep) {
        checkBlocks(n, 256);
        float[] scales = new float[8];
        float[] mins = new float[8];
        float[] w = new float[32];
        int[] l = new int[32];
        int[] laux = new int[32];
        int[] ls = new int[8];
        int[] lm = new int[8];
        int[] q = new int[256];
        for (int b = 0; b < n / 256; b++) {
            int base = off + 256 * b;
            long block = dstOffset + (long) typeSize * b;
            float maxScale = 0f;
            float maxMin = 0f;
            for (int j = 0; j < 8; j++) {
                int s = base + 32 * j;
                double sum2 = 0;
                for (int i = 0; i < 32; i++) sum2 += x[s + i] * x[s + i];
                float av = (float) Math.sqrt(sum2 / 32);
                for (int i = 0; i < 32; i++) w[i] = av + Math.abs(x[s + i]);
                float[] sm = fitScaleMin(x, s, w, nmax, rmin, rdelta, nstep, l, laux);
                scales[j] = sm[0];
                mins[j] = sm[1];
                maxScale = Math.max(maxScale, scales[j]);
                maxMin = Math.max(maxMin, mins[j]);
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (int j = 0; j < 8; j++) {
                ls[j] = Math.min(63, (int) Math.rint(invScale * scales[j]));
                lm[j] = Math.min(63, (int) Math.rint(invMin * mins[j]));
            }
            float d = f16Round(maxScale / 63f);
            float dmin = f16Round(maxMin / 63f);
            for (int j = 0; j < 8; j++) {
                float sd = d * ls[j];
                float sm = dmin * lm[j];
                for (int i = 0; i < 32; i++) {
                    q[32 * j + i] = sd == 0f ? 0 : Math.clamp((int) Math.rint((x[base + 32 * j + i] + sm) / sd), 0, nmax);
                }
            }
            dst.set(SHORT_LE, block, Float.floatToFloat16(maxScale / 63f));
            dst.set(SHORT_LE, block + 2, Float.floatToFloat16(maxMin / 63f));
            packScales(ls, lm, dst, block + 4);
            if (nmax == 15) {
                for (int c = 0; c < 4; c++) {
                    for (int i = 0; i < 32; i++) {
                        dst.set(ValueLayout.JAVA_BYTE, block + 16 + 32 * c + i,
                                (byte) (q[64 * c + i] | q[64 * c + 32 + i] << 4));
                    }
                }
            } else {
                for (int i = 0; i < 32; i++) {
                    int h = 0;
                    for (int c = 0; c < 4; c++) {
                        int q0 = q[64 * c + i];
                        int q1 = q[64 * c + 32 + i];
                        h |= (q0 >>> 4) << (2 * c) | (q1 >>> 4) << (2 * c + 1);
                        dst.set(ValueLayout.JAVA_BYTE, block + 48 + 32 * c + i, (byte) ((q0 & 0xF) | (q1 & 0xF) << 4));
                    }
                    dst.set(ValueLayout.JAVA_BYTE, block + 16 + i, (byte) h);
                }
            }
        }
    }

    /**
     * Weighted least-squares search for {@code x ≈ scale·q - min} with {@code q} in 0..nmax; returns
     * {@code {scale, min}} with {@code min >= 0} (llama.cpp's {@code make_qkx2_quants}, without MAD).
     */
    static float[] fitScaleMin(float[] x, int s, float[] w, int nmax, float rmin, float rdelta, int nstep,
                               int[] l, int[] laux) {
        float lo = x[s];
        float hi = x[s];
        float sumW = w[0];
        float sumX = w[0] * x[s];
        for (int i = 1; i < 32; i++) {
            lo = Math.min(lo, x[s + i]);
            hi = Math.max(hi, x[s + i]);
            sumW += w[i];
            sumX += w[i] * x[s + i];
        }
        if (lo > 0) lo = 0;
        if (hi == lo) {
            return new float[] {0f, -lo};
        }
        float iscale = nmax / (hi - lo);
        float scale = 1 / iscale;
        float bestErr = 0;
        for (int i = 0; i < 32; i++) {
            l[i] = Math.clamp((int) Math.rint(iscale * (x[s + i] - lo)), 0, nmax);
            float diff = scale * l[i] + lo - x[s + i];
            bestErr += w[i] * diff * diff;
        }
        for (int k = 0; k <= nstep; k++) {
            iscale = (rmin + rdelta * k + nmax) / (hi - lo);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < 32; i++) {
                int li = Math.clamp((int) Math.rint(iscale * (x[s + i] - lo)), 0, nmax);
                laux[i] = li;
                sumL += w[i] * li;
                sumL2 += w[i] * li * li;
                sumXL += w[i] * li * x[s + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float err = 0;
                for (int i = 0; i < 32; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[s + i];
                    err += w[i] * diff * diff;
                }
                if (err < bestErr) {
                    System.arraycopy(laux, 0, l, 0, 32);
                    bestErr = err;
                    scale = thisScale;
                    lo = thisMin;
                }
            }
        }
        return new float[] {scale, -lo};
    }

    /** The 12 bytes of eight 6-bit scales and mins, Q4_K's packing. */
    private static void packScales(int[] ls, int[] lm, MemorySegment dst, long at) {
        byte[] p = new byte[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                p[j] = (byte) ls[j];
                p[j + 4] = (byte) lm[j];
            } else {
                p[j + 4] = (byte) ((ls[j] & 0xF) | (lm[j] & 0xF) << 4);
                p[j - 4] |= (byte) ((ls[j] >>> 4) << 6);
                p[j] |= (byte) ((lm[j] >>> 4) << 6);
            }
        }
        MemorySegment.copy(p, 0, dst, ValueLayout.JAVA_BYTE, at, 12);
    }

    // ---- Q6_K -------------------------------------------------------------------------------------------------

    /** Q6_K (210 bytes per 256): ql[128], qh[64], int8 scales[16], fp16 d. */
    public static void quantizeQ6_K(float[] x, int off, int n, MemorySegment dst, long dstOffset) {
        checkBlocks(n, 256);
        float[] scales = new float[16];
        int[] q = new int[256];
        int[] l = new int[16];
        for (int b = 0; b < n / 256; b++) {
            int base = off + 256 * b;
            long block = dstOffset + 210L * b;
            float maxScale = 0f;
            float maxAbsScale = 0f;
            for (int g = 0; g < 16; g++) {
                scales[g] = fitSymmetric(x, base + 16 * g, 32, l);
                if (Math.abs(scales[g]) > maxAbsScale) {
                    maxAbsScale = Math.abs(scales[g]);
                    maxScale = scales[g];
                }
            }
            if (maxAbsScale < 1e-30f) {
                dst.asSlice(block, 210).fill((byte) 0);
                continue;
            }
            float iscale = -128f / maxScale;
            float d = f16Round(1 / iscale);
            dst.set(SHORT_LE, block + 208, Float.floatToFloat16(1 / iscale));
            for (int g = 0; g < 16; g++) {
                int sc = Math.min(127, (int) Math.rint(iscale * scales[g]));
                dst.set(ValueLayout.JAVA_BYTE, block + 192 + g, (byte) sc);
                float gd = d * sc;
                for (int i = 0; i < 16; i++) {
                    int v = gd == 0f ? 0 : Math.clamp((int) Math.rint(x[base + 16 * g + i] / gd), -32, 31);
                    q[16 * g + i] = v + 32;
                }
            }
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < 32; i++) {
                    int q0 = q[128 * h + i];
                    int q1 = q[128 * h + 32 + i];
                    int q2 = q[128 * h + 64 + i];
                    int q3 = q[128 * h + 96 + i];
                    dst.set(ValueLayout.JAVA_BYTE, block + 64 * h + i, (byte) ((q0 & 0xF) | (q2 & 0xF) << 4));
                    dst.set(ValueLayout.JAVA_BYTE, block + 64 * h + 32 + i, (byte) ((q1 & 0xF) | (q3 & 0xF) << 4));
                    dst.set(ValueLayout.JAVA_BYTE, block + 128 + 32 * h + i,
                            (byte) ((q0 >>> 4) | (q1 >>> 4) << 2 | (q2 >>> 4) << 4 | (q3 >>> 4) << 6));
                }
            }
        }
    }

    /**
     * Symmetric scale for 16 values in {@code -nmax..nmax-1}, weights x² (llama.cpp's {@code make_qx_quants} with
     * rmse_type 1): returns the scale, 0 for an all-zero group.
     */
    static float fitSymmetric(float[] x, int s, int nmax, int[] l) {
        float max = GgmlQuantizer.largestMagnitude(x, s, 16);
        if (Math.abs(max) < 1e-30f) {
            return 0f;
        }
        float iscale = -nmax / max;
        float sumLX = 0, sumL2 = 0;
        for (int i = 0; i < 16; i++) {
            int li = Math.clamp((int) Math.rint(iscale * x[s + i]), -nmax, nmax - 1);
            l[i] = li;
            float w = x[s + i] * x[s + i];
            sumLX += w * x[s + i] * li;
            sumL2 += w * li * li;
        }
        float scale = sumL2 > 0 ? sumLX / sumL2 : 0;
        float best = scale * sumLX;
        for (int k = -9; k <= 9; k++) {
            if (k == 0) continue;
            iscale = -(nmax + 0.1f * k) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < 16; i++) {
                int li = Math.clamp((int) Math.rint(iscale * x[s + i]), -nmax, nmax - 1);
                float w = x[s + i] * x[s + i];
                sumLX += w * x[s + i] * li;
                sumL2 += w * li * li;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }

    private static float f16Round(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    private static void checkBlocks(int n, int block) {
        if (n < 0 || n % block != 0) {
            throw new IllegalArgumentException("row length " + n + " is not a multiple of " + block);
        }
    }
}
