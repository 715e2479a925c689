package dev.hearth.safetensors.onnx;

import java.util.Arrays;
import java.util.Locale;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/** The weight precision of an exported graph. */
public enum OnnxPrecision {
    /** F32 weights and activations: the CPU provider's precision. */
    FP32(DataType.FLOAT, 4),
    /** F16 weights and activations (RMSNorm and softmax in F32): for GPU providers. */
    FP16(DataType.FLOAT16, 2),
    /**
     * The linear layers (q/k/v/o, gate/up/down, lm_head) as 4-bit blocks run by com.microsoft {@code MatMulNBits}
     * (see {@link Int4BlockQuantizer}); the embedding, the norms, activations and the KV cache stay F32, which is
     * what ONNX Runtime's CPU kernel computes in.
     */
    INT4(DataType.FLOAT, 4);

    private final DataType activation;
    private final int activationBytes;

    OnnxPrecision(DataType activation, int activationBytes) {
        this.activation = activation;
        this.activationBytes = activationBytes;
    }

    /** The element type of activations, of the float weights and of the KV cache. */
    public DataType activation() { return activation; }

    /** Bytes per activation (and KV cache) element. */
    public int activationBytes() { return activationBytes; }

    /** {@code fp32}, as typed on the command line. */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** @throws IllegalArgumentException naming the values allowed */
    public static OnnxPrecision parse(String s) {
        return Arrays.stream(values()).filter(p -> p.label().equals(s.trim().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("precision '" + s + "' is not one of fp32, fp16, int4"));
    }
}
