package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML_TYPE_Q3_K (id 11), {@code block_q3_K}, 110 bytes per 256 weights in 16 groups of 16:
 * <pre>
 *   0  uint8 hmask[32]   third bits: weight e's is bit (e / 32) of hmask[e % 32]
 *  32  uint8 qs[64]      low 2 bits, as in Q2_K
 *  96  uint8 scales[12]  16 six-bit scales, stored with an offset of 32 (see {@link #scale})
 * 108  ggml_half d
 * </pre>
 * Weight {@code e = 128h + 32j + l} is {@code d * (scale(e / 16)) * (((qs[32h + l] >> 2j) & 3) - (hbit ? 0 : 4))}.
 * Dot against {@link ActivationFormat#Q8_K}. The vector path is the scalar one in this version.
 */
public final class Q3_KKernels {

    public static final int BLOCK_SIZE = 256;
    public static final int TYPE_SIZE = 110;

    private Q3_KKernels() {
    }

    /**
     * Signed scale of group {@code g} (0..15): low 4 bits from {@code scales[g]} (g &lt; 8) or the high nibble of
     * {@code scales[g - 8]}; high 2 bits from {@code scales[8 + g % 4]} at bit {@code 2 * (g / 4)}; minus 32.
     */
    static int scale(MemorySegment w, long scales, int g) {
        int low = g < 8 ? u8(w, scales + g) & 0xF : u8(w, scales + g - 8) >>> 4;
        int high = (u8(w, scales + 8 + g % 4) >>> (2 * (g / 4))) & 3;
        return (low | high << 4) - 32;
    }

    static int quant(MemorySegment w, long block, int e) {
        int low = (u8(w, block + 32 + 32 * (e / 128) + e % 32) >>> (2 * ((e % 128) / 32))) & 3;
        int high = (u8(w, block + e % 32) >>> (e / 32)) & 1;
        return low - (high != 0 ? 0 : 4);
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q3_K");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block + 108);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int g = 0; g < 16; g++) {
                float dl = d * scale(src, block + 96, g);
                for (int i = 0; i < 16; i++) {
                    dst[out + 16 * g + i] = dl * quant(src, block, 16 * g + i);
                }
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q3_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int gsum = 0;
                for (int i = 0; i < 16; i++) {
                    gsum += quant(w, block, 16 * g + i) * xq[BLOCK_SIZE * b + 16 * g + i];
                }
                isum += scale(w, block + 96, g) * gsum;
            }
            sum += f16(w, block + 108) * xd[b] * isum;
        }
        return sum;
    }

    /** Same as {@link #dotScalar} in this version. */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        return dotScalar(w, wOffset, x, n);
    }
}
