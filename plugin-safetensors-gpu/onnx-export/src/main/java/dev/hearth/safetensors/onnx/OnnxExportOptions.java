package dev.hearth.safetensors.onnx;

import java.util.List;
import java.util.Objects;

/**
 * How to export.
 *
 * @param precision     weight and activation precision
 * @param fused         use ONNX Runtime's com.microsoft operators (SimplifiedLayerNormalization, GroupQueryAttention
 *                      with built-in rotary embedding) instead of plain ONNX operators
 * @param blockSize     {@link OnnxPrecision#INT4} only: weights per quantization block along K, one of
 *                      {@link #BLOCK_SIZES}; MatMulNBits' {@code block_size}
 * @param accuracyLevel {@link OnnxPrecision#INT4} only: MatMulNBits' {@code accuracy_level}, 0 to 4. 0 (default)
 *                      computes in F32 over the dequantized weights; 4 lets ONNX Runtime's CPU kernel quantize the
 *                      activations to int8 per block (faster, a little less exact)
 */
public record OnnxExportOptions(OnnxPrecision precision, boolean fused, int blockSize, int accuracyLevel) {
    /** The int4 block sizes offered (ONNX Runtime accepts any power of two from 16; these two are tested). */
    public static final List<Integer> BLOCK_SIZES = List.of(32, 128);
    public static final int DEFAULT_BLOCK_SIZE = 32;
    public static final int DEFAULT_ACCURACY_LEVEL = 0;

    /** @throws IllegalArgumentException for a block size or accuracy level MatMulNBits does not take */
    public OnnxExportOptions {
        Objects.requireNonNull(precision, "precision");
        if (!BLOCK_SIZES.contains(blockSize)) {
            throw new IllegalArgumentException("int4 block size " + blockSize + " is not one of " + BLOCK_SIZES);
        }
        if (accuracyLevel < 0 || accuracyLevel > 4) {
            throw new IllegalArgumentException("int4 accuracy level " + accuracyLevel + " is not one of 0 (unset), "
                    + "1 (fp32), 2 (fp16), 3 (bf16), 4 (int8)");
        }
    }

    public OnnxExportOptions(OnnxPrecision precision, boolean fused) {
        this(precision, fused, DEFAULT_BLOCK_SIZE, DEFAULT_ACCURACY_LEVEL);
    }

    public static OnnxExportOptions plain(OnnxPrecision precision) {
        return new OnnxExportOptions(precision, false);
    }

    /**
     * {@code fp32-plain}, {@code int4-b32-fused}, {@code int4-b128-acc4-plain}: part of the cache key and of folder
     * names. Block size and accuracy level appear for int4 only, where they change the graph.
     */
    public String label() {
        String quant = precision != OnnxPrecision.INT4 ? ""
                : "-b" + blockSize + (accuracyLevel == DEFAULT_ACCURACY_LEVEL ? "" : "-acc" + accuracyLevel);
        return precision.label() + quant + (fused ? "-fused" : "-plain");
    }
}
