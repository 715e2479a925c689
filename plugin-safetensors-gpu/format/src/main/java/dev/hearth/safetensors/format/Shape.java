package dev.hearth.safetensors.format;

import java.util.Arrays;

/**
 * A tensor shape as SafeTensors and PyTorch write it: row-major, {@code dim(0)} the outermost dimension. A linear
 * layer's weight of {@code in} inputs and {@code out} outputs is {@code [out, in]}.
 *
 * <p>Value equality over the dimensions (a record over an array would compare by reference); the array is copied
 * in and out.
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

    @Override
    public long[] dims() { return dims.clone(); }

    public int rank() { return dims.length; }

    public long dim(int i) { return dims[i]; }

    /**
     * The product of the dimensions (1 for a scalar).
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
    public int hashCode() { return Arrays.hashCode(dims); }

    /** {@code [32000, 256]}. */
    @Override
    public String toString() { return Arrays.toString(dims); }
}
