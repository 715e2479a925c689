package dev.hearth.gguf.engine;

import java.util.concurrent.atomic.AtomicLong;

import dev.hearth.gguf.quant.Activation;

/**
 * Activations that each pool thread makes for itself when it takes its first piece of a product of a few tokens.
 * Made once by the calling thread instead, they kept every other thread waiting: in generation on the 16-core Xeon
 * the calling thread's norms and quantisations between products took 7-12 % of a token, far more than their
 * arithmetic, since they wrote lines that the other cores had read in the product before and read rows those cores
 * had just written. Made by every thread, they cost each a few microseconds of work in its own cache (3.6 % of a
 * token left between products, docs/perf.md).
 */
public final class ThreadActivations implements ProductInput {

    /** Batches of up to this many rows; with more, every thread would repeat the work of many rows. */
    public static final int MAX_ROWS = 3;

    /** Makes batch row {@code b}'s activation into {@code into}, in every form the product reads. */
    @FunctionalInterface
    public interface Maker {
        /** {@code scratch} holds at least {@code capacity} floats that the maker may use, e.g. for a normed copy. */
        void make(int b, Activation into, float[] scratch);
    }

    private static final AtomicLong PRODUCTS = new AtomicLong();
    private static final ThreadLocal<Own> OWN = ThreadLocal.withInitial(Own::new);

    private final Maker maker;
    private final int capacity;
    /** The product in progress: a thread whose activations were made for another one makes them again. */
    private long product;

    /** Activations of up to {@code capacity} elements, made by {@code maker}; ready for a first product. */
    public ThreadActivations(int capacity, Maker maker) {
        this.capacity = capacity;
        this.maker = maker;
        next();
    }

    /**
     * Starts the next product on the calling thread, before it hands the product to the pool (whose start publishes
     * this to the other threads): each thread makes its activations again on its first {@link #get}.
     */
    public ThreadActivations next() {
        product = PRODUCTS.incrementAndGet();
        return this;
    }

    public Maker maker() {
        return maker;
    }

    @Override
    public void prepare(WeightMatrix[] ms, int from, int to, WorkerPool pool) {
        if (to > MAX_ROWS) {
            throw new IllegalArgumentException("batch rows up to " + to + ", at most " + MAX_ROWS + " made per thread");
        }
    }

    @Override
    public Activation[] get(int from, int to) {
        Own own = OWN.get();
        if (own.product != product) {
            for (int b = from; b < to; b++) {
                if (own.scratch[b] == null || own.scratch[b].length < capacity) {
                    own.rows[b] = new Activation(capacity);
                    own.scratch[b] = new float[capacity];
                }
                maker.make(b, own.rows[b], own.scratch[b]);
            }
            own.product = product;
        }
        return own.rows;
    }

    /**
     * One thread's activations, kept from product to product for as long as the thread lives (a few hundred KB; an
     * activation may point at the floats of the last product it was made for until the next one).
     */
    private static final class Own {
        long product;
        final Activation[] rows = new Activation[MAX_ROWS];
        final float[][] scratch = new float[MAX_ROWS][];
    }
}
