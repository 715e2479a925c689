package dev.hearth.safetensors.ort;

import java.util.Map;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.hearth.safetensors.onnx.OnnxNames;
import dev.hearth.safetensors.onnx.OnnxPrecision;

/**
 * What the engine needs to know about an exported graph, read from its metadata ({@link OnnxNames}).
 *
 * @param fused        KV layout {@link OnnxNames#LAYOUT_SHARED} (GroupQueryAttention) rather than append
 * @param layers       decoder layers
 * @param kvHeads      key/value heads
 * @param headDim      head dimension
 * @param vocab        vocabulary size (logits per position)
 * @param maxPositions rows of the RoPE tables: the largest context the graph supports
 * @param kvType       element type of the KV cache
 */
record OrtGraphInfo(boolean fused, int layers, int kvHeads, int headDim, int vocab, int maxPositions,
        OnnxJavaType kvType) {

    int kvBytes() {
        return kvType == OnnxJavaType.FLOAT ? 4 : 2;
    }

    static OrtGraphInfo read(OrtSession session) throws OrtException {
        Map<String, String> m = session.getMetadata().getCustomMetadata();
        String layout = require(m, OnnxNames.META_LAYOUT);
        return new OrtGraphInfo(layout.equals(OnnxNames.LAYOUT_SHARED), number(m, OnnxNames.META_LAYERS),
                number(m, OnnxNames.META_KV_HEADS), number(m, OnnxNames.META_HEAD_DIM), number(m, OnnxNames.META_VOCAB),
                number(m, OnnxNames.META_MAX_POSITIONS),
                OnnxPrecision.parse(require(m, OnnxNames.META_PRECISION)).activationBytes() == 4
                        ? OnnxJavaType.FLOAT : OnnxJavaType.FLOAT16);
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model.onnx: metadata_props has no '" + key
                    + "'; not a graph exported by Hearth");
        }
        return v;
    }

    private static int number(Map<String, String> m, String key) {
        try {
            int n = Integer.parseInt(require(m, key));
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model.onnx: metadata_props '" + key + "' is not a positive number: "
                    + m.get(key));
        }
    }
}
