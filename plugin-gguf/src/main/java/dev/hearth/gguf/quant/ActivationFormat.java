package dev.hearth.gguf.quant;

/** The form a kernel wants its activation in ({@code vec_dot_type} in ggml). */
public enum ActivationFormat {
    /** Plain floats: F32, F16 and BF16 weights. */
    F32(1),
    /** Blocks of 32 int8 with one scale (rounded to F16 as ggml stores it): Q4_0, Q4_1, Q5_0, Q5_1, Q8_0. */
    Q8_0(32),
    /** Blocks of 256 int8 with a float scale and sums per 16: the K-quants. */
    Q8_K(256);

    private final int blockSize;

    ActivationFormat(int blockSize) {
        this.blockSize = blockSize;
    }

    /** Elements per block; a quantized activation's length is a multiple of it. */
    public int blockSize() {
        return blockSize;
    }
}
