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

    /**
     * The fewest rows a thread takes at a time in a product over unpacked rows: four tiles of four rows, and slices on
     * cache-line boundaries of the output.
     */
    private static final int GRAIN = 16;
    /**
     * The fewest rows a thread takes at a time in a single-token product: the threads end a step at most this far apart
     * (4 rows of a 5632-column Q6_K matrix are 18 KB), and four outputs share a cache line at worst.
     */
    private static final int TOKEN_GRAIN = 4;

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
        matMul(ProductInput.shared(xs), from, to, out, pool, (start, end) -> { });
    }

    /**
     * {@link #matMul}, then {@code then} on each piece of rows as soon as its products are done, on the thread that
     * computed them (an element-wise step on the output, such as adding it into the residual stream): done there, it
     * reads rows still in that core's cache, instead of the calling thread reading all of them from the other cores
     * once the step is over while the pool waits.
     */
    public void matMul(ProductInput xs, int from, int to, float[][] out, WorkerPool pool, WorkerPool.RangeTask then) {
        xs.prepare(new WeightMatrix[] {this}, from, to);
        WorkerPool.RangeTask piece = (start, end) -> {
            multiply(xs.get(from, to), from, to, out, start, end);
            then.run(start, end);
        };
        run(piece, rows, (long) rows * cols * (to - from), grain(to - from), pool);
    }

    /**
     * {@link #matMul} of several matrices with the same activations and columns ({@code out[m][b][r] = row r of
     * ms[m] · xs[b]}) in one pass of the pool: their rows are split as one range, so there is one barrier instead of
     * one per matrix (a decode step's q, k, v and gate, up products; k and v alone are too small to keep many
     * threads busy). Each product is the one {@link #matMul} computes.
     */
    public static void matMul(WeightMatrix[] ms, ProductInput xs, int from, int to, float[][][] out, WorkerPool pool) {
        xs.prepare(ms, from, to);
        int rows = 0;
        long work = 0;
        for (WeightMatrix m : ms) {
            rows += m.rows;
            work += (long) m.rows * m.cols * (to - from);
        }
        WorkerPool.RangeTask piece = (start, end) -> {
            Activation[] x = xs.get(from, to);
            int first = 0;
            for (int i = 0; i < ms.length && first < end; first += ms[i].rows, i++) {
                int lo = Math.max(start, first) - first;
                int hi = Math.min(end, first + ms[i].rows) - first;
                if (lo < hi) ms[i].multiply(x, from, to, out[i], lo, hi);
            }
        };
        run(piece, rows, work, ms[0].grain(to - from), pool);
    }

    /**
     * {@link #matMul} of several matrices of the same shape with the same activations ({@code out[m][b][r] = row r of
     * ms[m] · xs[b]}), split by row index: a piece of rows is multiplied by every matrix, then {@code then} runs on
     * it, so that an element-wise step combining the matrices' outputs (SwiGLU of gate and up) runs on the thread
     * that computed them, as in {@link #matMul(ProductInput, int, int, float[][], WorkerPool, WorkerPool.RangeTask)}.
     */
    public static void matMulSideBySide(WeightMatrix[] ms, ProductInput xs, int from, int to, float[][][] out,
                                        WorkerPool pool, WorkerPool.RangeTask then) {
        int rows = ms[0].rows;
        for (WeightMatrix m : ms) {
            if (m.rows != rows || m.cols != ms[0].cols) {
                throw new IllegalArgumentException(m.name + " is " + m.rows + " x " + m.cols + ", " + ms[0].name
                        + " " + rows + " x " + ms[0].cols + ": side by side products need one shape");
            }
        }
        xs.prepare(ms, from, to);
        WorkerPool.RangeTask piece = (start, end) -> {
            Activation[] x = xs.get(from, to);
            for (int i = 0; i < ms.length; i++) ms[i].multiply(x, from, to, out[i], start, end);
            then.run(start, end);
        };
        run(piece, rows, (long) rows * ms[0].cols * ms.length * (to - from), ms[0].grain(to - from), pool);
    }

    /** Runs {@code piece} over rows {@code [0, rows)}: on the calling thread for little work, else on the pool. */
    private static void run(WorkerPool.RangeTask piece, int rows, long work, int grain, WorkerPool pool) {
        if (work < PARALLEL_MIN_WORK) {
            piece.run(0, rows);
        } else {
            pool.parallelFor(rows, grain, piece);
        }
    }

    private void multiply(Activation[] xs, int from, int to, float[][] out, int rowStart, int rowEnd) {
        long rowBytes = rowBytes();
        if (unpacks(to - from)) {
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

    /** Rows in a unit of the pool's pieces for a product over {@code batch} activations. */
    private int grain(int batch) {
        return unpacks(batch) ? GRAIN : TOKEN_GRAIN;
    }

    /** Whether a product over {@code batch} activations goes over unpacked rows. */
    private boolean unpacks(int batch) {
        return batch >= UNPACK_MIN_BATCH && UnpackedRow.supports(type);
    }

    /**
     * Quantises {@code x} to the form this matrix's rows multiply with in a product over {@code batch} activations
     * (once per {@link Activation#set}).
     */
    public void prepare(Activation x, int batch) {
        x.prepare(type.activationFormat(), unpacks(batch));
    }

    /** Writes row {@code row} as floats to {@code dst[off, off + cols)}. */
    public void dequantizeRow(int row, float[] dst, int off) {
        type.dequantizeRow(data, row * rowBytes(), dst, off, cols);
    }
}
