package dev.hearth.gguf.engine;

import java.lang.foreign.MemorySegment;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quant.UnpackedRow;

/**
 * A weight matrix of {@code rows x cols} in its on-disk block layout, viewed in place in the mapped file
 * (ggml's {@code ne0 = cols}, {@code ne1 = rows}).
 */
public record WeightMatrix(String name, QuantType type, MemorySegment data, int rows, int cols) {

    /** Rows handed to one thread at a time: keeps slices on cache-line boundaries of the output. */
    private static final int GRAIN = 16;

    /** Below this many multiply-adds a product is faster on the calling thread than handed to the pool. */
    private static final long PARALLEL_MIN_WORK = 1L << 16;

    /**
     * From this many activations on, a row is decoded once ({@link UnpackedRow}) and then multiplied with each.
     * Decoding costs several single-token dot products of the row, so it pays from about four activations: one
     * thread, TinyLlama Q4_K_M, a decode pass of 2 / 4 / 8 / 16 sessions took 335 / 316 / 473 / 728 ms unpacked
     * against 194 / 374 / 773 / 1802 ms direct (one session: about 90 ms).
     */
    private static final int UNPACK_MIN_BATCH = 4;

    /** Four decoded rows per thread, reused from row to row and product to product. */
    private static final ThreadLocal<UnpackedRow[]> SCRATCH = ThreadLocal.withInitial(
            () -> new UnpackedRow[] {new UnpackedRow(), new UnpackedRow(), new UnpackedRow(), new UnpackedRow()});

    public long rowBytes() {
        return type.rowBytes(cols);
    }

    /**
     * {@code out[b][r] = row r · xs[b]} for every row and the activations {@code b} in {@code [from, to)}. Each thread
     * takes a slice of the rows and multiplies every row with all the activations while it is in cache, so the
     * weights stream from memory once per batch, not once per token. Larger batches of supported types go over rows
     * decoded once per thread and multiplied four rows by four activations at a time ({@link UnpackedRow}); every
     * product then equals the single-token kernel's ({@link QuantType#dot}) to the bit, except Q8_0's, which differ
     * by float rounding.
     */
    public void matMul(Activation[] xs, int from, int to, float[][] out, WorkerPool pool) {
        for (int b = from; b < to; b++) prepare(xs[b]);
        if ((long) rows * cols * (to - from) < PARALLEL_MIN_WORK) {
            multiply(xs, from, to, out, 0, rows);
            return;
        }
        pool.parallelFor(rows, GRAIN, (start, end) -> multiply(xs, from, to, out, start, end));
    }

    /**
     * {@link #matMul} of several matrices with the same activations and columns ({@code out[m][b][r] = row r of
     * ms[m] · xs[b]}) in one pass of the pool: their rows are split as one range, so there is one barrier instead of
     * one per matrix (a decode step's q, k, v and gate, up products; k and v alone are too small to keep many
     * threads busy). Each product is the one {@link #matMul} computes.
     */
    public static void matMul(WeightMatrix[] ms, Activation[] xs, int from, int to, float[][][] out, WorkerPool pool) {
        int rows = 0;
        long work = 0;
        for (WeightMatrix m : ms) {
            for (int b = from; b < to; b++) m.prepare(xs[b]);
            rows += m.rows;
            work += (long) m.rows * m.cols * (to - from);
        }
        if (work < PARALLEL_MIN_WORK) {
            for (int i = 0; i < ms.length; i++) ms[i].multiply(xs, from, to, out[i], 0, ms[i].rows);
            return;
        }
        pool.parallelFor(rows, GRAIN, (start, end) -> {
            int first = 0;
            for (int i = 0; i < ms.length && first < end; first += ms[i].rows, i++) {
                int lo = Math.max(start, first) - first;
                int hi = Math.min(end, first + ms[i].rows) - first;
                if (lo < hi) ms[i].multiply(xs, from, to, out[i], lo, hi);
            }
        });
    }

    private void multiply(Activation[] xs, int from, int to, float[][] out, int rowStart, int rowEnd) {
        long rowBytes = rowBytes();
        if (to - from >= UNPACK_MIN_BATCH && UnpackedRow.supports(type)) {
            UnpackedRow[] four = SCRATCH.get();
            int r = rowStart;
            for (; r + 3 < rowEnd; r += 4) {
                for (int i = 0; i < 4; i++) four[i].unpack(type, data, (r + i) * rowBytes, cols);
                UnpackedRow.dotFour(four, xs, from, to, out, r);
            }
            for (; r < rowEnd; r++) {
                four[0].unpack(type, data, r * rowBytes, cols);
                for (int b = from; b < to; b++) out[b][r] = four[0].dot(xs[b]);
            }
            return;
        }
        for (int r = rowStart; r < rowEnd; r++) {
            long offset = r * rowBytes;
            for (int b = from; b < to; b++) out[b][r] = type.dot(data, offset, xs[b], cols);
        }
    }

    /** Quantises {@code x} to the form this matrix's rows multiply with (once per {@link Activation#set}). */
    public void prepare(Activation x) {
        x.prepare(type.activationFormat());
    }

    /** Writes row {@code row} as floats to {@code dst[off, off + cols)}. */
    public void dequantizeRow(int row, float[] dst, int off) {
        type.dequantizeRow(data, row * rowBytes(), dst, off, cols);
    }
}
