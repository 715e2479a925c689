package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * The kernels of one ggml tensor type, seen through one interface. Rows are {@code n} contiguous weights
 * starting at a byte offset; {@code n} is a multiple of {@link #blockSize()}.
 */
public interface RowKernel {

    /** The ggml type id ({@code enum ggml_type}). */
    int typeId();

    /** The ggml type name, e.g. {@code Q4_K}. */
    String typeName();

    /** Weights per block. */
    int blockSize();

    /** Bytes per block. */
    int typeSize();

    /** The form {@link #dot} wants its activation in; {@link Activation#prepare} it before calling. */
    ActivationFormat activationFormat();

    /** Bytes of a row of {@code n} weights. */
    default long rowBytes(int n) {
        if (n % blockSize() != 0) {
            throw new IllegalArgumentException(typeName() + ": row length " + n + " is not a multiple of "
                    + blockSize());
        }
        return (long) (n / blockSize()) * typeSize();
    }

    /** Writes the {@code n} weights at {@code src + byteOffset} as floats to {@code dst[dstOffset...]}. */
    void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n);

    /**
     * Dot product of the {@code n} weights at {@code w + wOffset} with the activation, in the activation's
     * {@link #activationFormat()} (which must have been prepared, with length {@code n}).
     */
    float dot(MemorySegment w, long wOffset, Activation x, int n);
}
