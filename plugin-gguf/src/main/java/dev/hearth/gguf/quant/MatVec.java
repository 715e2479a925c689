package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Matrix-vector products over row ranges; callers parallelise by splitting the rows. */
public final class MatVec {

    private MatVec() {
    }

    /**
     * {@code out[r] = dot(row r, x)} for {@code r} in {@code [rowStart, rowEnd)} of a row-major matrix of
     * {@code rows x cols} weights of the kernel's type at {@code w + offset} (ggml's {@code ne0 = cols}).
     * {@code x} must be prepared in {@code kernel.activationFormat()} with length {@code cols}.
     */
    public static void matVec(RowKernel kernel, MemorySegment w, long offset, int rows, int cols,
                              Activation x, float[] out, int rowStart, int rowEnd) {
        Objects.checkFromToIndex(rowStart, rowEnd, rows);
        Objects.checkFromToIndex(rowStart, rowEnd, out.length);
        long rowBytes = kernel.rowBytes(cols);
        for (int r = rowStart; r < rowEnd; r++) {
            out[r] = kernel.dot(w, offset + r * rowBytes, x, cols);
        }
    }
}
