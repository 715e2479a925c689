package dev.hearth.gguf.format;

import java.util.Arrays;

/**
 * A tensor shape in ggml order: {@code dim(0)} is the innermost (contiguous) dimension, {@code ne[0]} in ggml.
 * A 2-D weight of {@code n_embd} columns and {@code n_vocab} rows is {@code [n_embd, n_vocab]}.
 *
 * <p>Value equality over the dimensions (a record over an array would compare by reference). The array is
 * copied in and out, so a Shape is immutable.
 */
public record Shape(long[] dims) {

    public Shape {
        dims = dims.clone();
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
        }
    }

    public static Shape of(long... dims) {
        return new Shape(dims);
    }

    /** A copy of the dimensions. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}, 0 being the innermost. */
    public long dim(int i) {
        return dims[i];
    }

    /**
     * The product of the dimensions (1 for rank 0).
     *
     * @throws ArithmeticException if it overflows a long
     */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code [256, 32000]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
