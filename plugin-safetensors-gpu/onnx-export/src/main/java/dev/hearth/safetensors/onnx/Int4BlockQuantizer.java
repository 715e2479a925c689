package dev.hearth.safetensors.onnx;

/**
 * 4-bit block quantization in the layout ONNX Runtime's {@code com.microsoft.MatMulNBits} reads ({@code bits=4}), for
 * a weight of N rows (output features) by K columns (input features): the checkpoint's own {@code [out, in]} layout,
 * which is MatMulNBits' layout too, so rows are quantized as they are read.
 *
 * <ol>
 *   <li>{@code k_blocks = ceil(K / block_size)}: each row is cut along K into blocks of {@code block_size} weights;
 *       a last partial block is padded with codes that dequantize to 0.</li>
 *   <li>{@code B}: uint8 {@code [N, k_blocks, blob_size]}, {@code blob_size = block_size / 2}. Weight {@code j} of a
 *       block is in byte {@code j / 2} of its blob: the <b>low</b> nibble for even {@code j}, the high nibble for
 *       odd {@code j}.</li>
 *   <li>{@code scales}: one float per block, {@code [N * k_blocks]}, row by row (the 1-D form, which ONNX Runtime
 *       accepts beside {@code [N, k_blocks]}).</li>
 *   <li>{@code zero_points}: uint8 {@code [N * ceil(k_blocks / 2)]}, packed <b>per row</b> like B: block {@code b}'s
 *       zero point in byte {@code b / 2} of its row, low nibble for even {@code b}; an odd row's last high nibble
 *       is unused.</li>
 *   <li>Dequantized weight: {@code (code - zero_point) * scale}.</li>
 * </ol>
 * Quantization is asymmetric min/max per block with 0 kept inside the range (so a zero weight stays exactly zero):
 * {@code scale = (max - min) / 15}, {@code zero_point = round(-min / scale)}, {@code code = clamp(round(w / scale) +
 * zero_point, 0, 15)}. Pure functions, no state; the caller streams rows through {@link #quantizeRow}.
 */
public final class Int4BlockQuantizer {
    public static final int BITS = 4;
    public static final int MAX_CODE = (1 << BITS) - 1;

    private Int4BlockQuantizer() {}

    /** {@code k_blocks}: blocks per row. */
    public static int blocks(int k, int blockSize) {
        return (k + blockSize - 1) / blockSize;
    }

    /** {@code blob_size}: bytes per block in B. */
    public static int blobSize(int blockSize) {
        return blockSize * BITS / 8;
    }

    /** Bytes of packed zero points per row. */
    public static int zeroPointBytes(int kBlocks) {
        return (kBlocks * BITS + 7) / 8;
    }

    /**
     * Quantizes one row of {@code k} weights: writes {@code k_blocks * blob_size} bytes of B at {@code packed[packedAt]},
     * {@code k_blocks} scales at {@code scales[scalesAt]} and the row's {@link #zeroPointBytes} packed zero points at
     * {@code zeroPoints[zeroPointsAt]} (overwritten, not or-ed into).
     */
    public static void quantizeRow(float[] row, int k, int blockSize, byte[] packed, int packedAt, float[] scales,
            int scalesAt, byte[] zeroPoints, int zeroPointsAt) {
        int kBlocks = blocks(k, blockSize);
        int blob = blobSize(blockSize);
        java.util.Arrays.fill(zeroPoints, zeroPointsAt, zeroPointsAt + zeroPointBytes(kBlocks), (byte) 0);
        for (int b = 0; b < kBlocks; b++) {
            int from = b * blockSize;
            int to = Math.min(k, from + blockSize);
            // ---- range of the block, 0 included ----
            float min = 0;
            float max = 0;
            for (int i = from; i < to; i++) {
                min = Math.min(min, row[i]);
                max = Math.max(max, row[i]);
            }
            float scale = (max - min) / MAX_CODE;
            float inverse = scale == 0 ? 0 : 1 / scale;
            int zero = clamp(Math.round(-min * inverse));
            scales[scalesAt + b] = scale;
            zeroPoints[zeroPointsAt + b / 2] |= (byte) (b % 2 == 0 ? zero : zero << 4);
            // ---- codes, two per byte, low nibble first; padding dequantizes to 0 ----
            int blobAt = packedAt + b * blob;
            for (int j = 0; j < blockSize; j += 2) {
                int lo = from + j < to ? clamp(Math.round(row[from + j] * inverse) + zero) : zero;
                int hi = from + j + 1 < to ? clamp(Math.round(row[from + j + 1] * inverse) + zero) : zero;
                packed[blobAt + j / 2] = (byte) (lo | hi << 4);
            }
        }
    }

    private static int clamp(int code) {
        return Math.max(0, Math.min(MAX_CODE, code));
    }
}
