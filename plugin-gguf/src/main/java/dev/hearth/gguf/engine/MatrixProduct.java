package dev.hearth.gguf.engine;

import dev.hearth.gguf.quant.Activation;

/**
 * A product of one or more weight matrices with a batch of activations, as handed to the pool: made once and filled
 * for each product, so that a forward pass hands the pool no new object (a lambda capturing the product's arguments
 * would be allocated on every product, since the pool keeps it in a field).
 *
 * <p>Each thread takes slices of the rows and multiplies every row with all the activations while it is in cache,
 * so the weights stream from memory once per batch, not once per token.
 */
public final class MatrixProduct implements WorkerPool.RangeTask {

    /** Runs after a piece: nothing. */
    public static final WorkerPool.RangeTask NOTHING = (start, end) -> { };

    /** Below this many multiply-adds a product is faster on the calling thread than handed to the pool. */
    private static final long PARALLEL_MIN_WORK = 1L << 16;

    private WeightMatrix[] ms;
    private ProductInput xs;
    private int from;
    private int to;
    private float[][][] out;
    private WorkerPool.RangeTask then;
    private boolean sideBySide;

    /**
     * {@code out[m][b][r] = row r of ms[m] · x[b]} for the activations {@code b} in {@code [from, to)}, the matrices'
     * rows split as one range, those of {@code ms[0]} first: one pass of the pool instead of one per matrix (a decode
     * step's q, k and v; k and v alone are too small to keep many threads busy). {@code then} runs on each piece of
     * that range as soon as its products are done, on the thread that computed them (an element-wise step on the
     * output, such as adding it into the residual stream): done there, it reads rows still in that core's cache,
     * instead of the calling thread reading all of them from the other cores once the step is over while the pool
     * waits. Pieces start and end on multiples of 4 rows (16 for row groups), or at the range's end; over unpacked
     * rows all but a step's last pieces keep whole tiles ({@link WeightMatrix#tileRows}).
     */
    public void inSequence(WeightMatrix[] ms, ProductInput xs, int from, int to, float[][][] out,
                           WorkerPool.RangeTask then, WorkerPool pool) {
        int rows = 0;
        long work = 0;
        for (WeightMatrix m : ms) {
            rows += m.rows();
            work += (long) m.rows() * m.cols() * (to - from);
        }
        start(ms, xs, from, to, out, then, false, pool).run(rows, work, pool);
    }

    /**
     * The products of matrices of one shape, split by row index: a piece of rows is multiplied by every matrix, then
     * {@code then} runs on it, so that an element-wise step combining their outputs (SwiGLU of gate and up) runs on
     * the thread that computed them.
     */
    public void sideBySide(WeightMatrix[] ms, ProductInput xs, int from, int to, float[][][] out,
                           WorkerPool.RangeTask then, WorkerPool pool) {
        int rows = ms[0].rows();
        for (WeightMatrix m : ms) {
            if (m.rows() != rows || m.cols() != ms[0].cols()) {
                throw new IllegalArgumentException(m.name() + " is " + m.rows() + " x " + m.cols() + ", "
                        + ms[0].name() + " " + rows + " x " + ms[0].cols() + ": side by side products need one shape");
            }
        }
        long work = (long) rows * ms[0].cols() * ms.length * (to - from);
        start(ms, xs, from, to, out, then, true, pool).run(rows, work, pool);
    }

    private MatrixProduct start(WeightMatrix[] ms, ProductInput xs, int from, int to, float[][][] out,
                                WorkerPool.RangeTask then, boolean sideBySide, WorkerPool pool) {
        xs.prepare(ms, from, to, pool);
        this.ms = ms;
        this.xs = xs;
        this.from = from;
        this.to = to;
        this.out = out;
        this.then = then;
        this.sideBySide = sideBySide;
        return this;
    }

    /** Runs the pieces over {@code [0, rows)}: on the calling thread for little work, else on the pool. */
    private void run(int rows, long work, WorkerPool pool) {
        if (work < PARALLEL_MIN_WORK) {
            run(0, rows);
        } else {
            int grain = 1;
            int tile = 1;
            for (WeightMatrix m : ms) {
                grain = Math.max(grain, m.grain());
                tile = Math.max(tile, m.tileRows(to - from));
            }
            pool.parallelFor(rows, grain, this, pool.threadsFor(to - from), Math.max(1, tile / grain));
        }
    }

    /** One piece, rows {@code [start, end)} of the range; called by the pool's threads. */
    @Override
    public void run(int start, int end) {
        Activation[] x = xs.get(from, to);
        if (sideBySide) {
            for (int i = 0; i < ms.length; i++) {
                ms[i].multiply(x, xs.panel(ms[i].type()), from, to, out[i], start, end);
            }
        } else {
            int first = 0;
            for (int i = 0; i < ms.length && first < end; first += ms[i].rows(), i++) {
                int lo = Math.max(start, first) - first;
                int hi = Math.min(end, first + ms[i].rows()) - first;
                if (lo < hi) ms[i].multiply(x, xs.panel(ms[i].type()), from, to, out[i], lo, hi);
            }
        }
        then.run(start, end);
    }
}
