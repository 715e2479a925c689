package dev.hearth.gguf.engine;

import java.lang.foreign.MemorySegment;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.MatVec;
import dev.hearth.gguf.quant.QuantType;

/**
 * A weight matrix of {@code rows x cols} in its on-disk block layout, viewed in place in the mapped file
 * (ggml's {@code ne0 = cols}, {@code ne1 = rows}).
 */
public record WeightMatrix(String name, QuantType type, MemorySegment data, int rows, int cols) {

    /** Rows handed to one thread at a time: keeps slices on cache-line boundaries of the output. */
    private static final int GRAIN = 16;

    /** Below this many weights a product is faster on the calling thread than handed to the pool. */
    private static final long PARALLEL_MIN_WEIGHTS = 1L << 16;

    public long rowBytes() {
        return type.rowBytes(cols);
    }

    /** {@code out[r] = row r · x} for every row, split over the pool's threads. */
    public void matVec(Activation x, float[] out, WorkerPool pool) {
        x.prepare(type.activationFormat());
        if ((long) rows * cols < PARALLEL_MIN_WEIGHTS) {
            MatVec.matVec(type, data, 0, rows, cols, x, out, 0, rows);
            return;
        }
        pool.parallelFor(rows, GRAIN, (start, end) -> MatVec.matVec(type, data, 0, rows, cols, x, out, start, end));
    }

    /** Writes row {@code row} as floats to {@code dst[off, off + cols)}. */
    public void dequantizeRow(int row, float[] dst, int off) {
        type.dequantizeRow(data, row * rowBytes(), dst, off, cols);
    }
}
