package dev.hearth.safetensors.onnx;

import java.util.Objects;

/**
 * How to export.
 *
 * @param precision weight and activation precision
 * @param fused     use ONNX Runtime's com.microsoft operators (SimplifiedLayerNormalization, GroupQueryAttention
 *                  with built-in rotary embedding) instead of plain ONNX operators
 */
public record OnnxExportOptions(OnnxPrecision precision, boolean fused) {

    public OnnxExportOptions {
        Objects.requireNonNull(precision, "precision");
    }

    public static OnnxExportOptions plain(OnnxPrecision precision) {
        return new OnnxExportOptions(precision, false);
    }

    /** {@code fp32-plain}: part of the cache key and of folder names. */
    public String label() {
        return precision.label() + (fused ? "-fused" : "-plain");
    }
}
