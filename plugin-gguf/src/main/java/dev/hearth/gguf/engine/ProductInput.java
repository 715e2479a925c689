package dev.hearth.gguf.engine;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quant.TokenPanel;

/** The activations a product multiplies, as each of the pool's threads reads them. */
public interface ProductInput {

    /**
     * Prepares on the calling thread, before the product starts on {@code pool}, what the threads read for matrices
     * {@code ms}; may run steps of its own on the pool.
     */
    void prepare(WeightMatrix[] ms, int from, int to, WorkerPool pool);

    /** The activations, indexed by batch row, that the calling thread multiplies rows {@code from .. to-1} with. */
    Activation[] get(int from, int to);

    /**
     * The activations {@code [from, to)} turned on their side for rows of {@code type} ({@link TokenPanel}), as
     * {@link #prepare} made them for a matrix that takes one ({@link WeightMatrix#takesPanel}); else null.
     */
    default TokenPanel panel(QuantType type) {
        return null;
    }

    /** Activations made once and read by every thread, with the panels the matrices take. */
    static ProductInput shared(Activation[] xs) {
        return new ProductInput() {
            /** Panels of the activations' floats (F16, BF16 rows) and of their Q8_0 lane floats (Q8_0 rows). */
            private final TokenPanel floats = new TokenPanel();
            private final TokenPanel q8_0 = new TokenPanel();
            /** The pool's steps filling them, made once: a lambda made per product would be allocated each time. */
            private final WorkerPool.RangeTask fillFloats = floats::fillBlocks;
            private final WorkerPool.RangeTask fillQ8_0 = q8_0::fillBlocks;
            private boolean floatsReady;
            private boolean q8_0Ready;

            @Override
            public void prepare(WeightMatrix[] ms, int from, int to, WorkerPool pool) {
                floatsReady = false;
                q8_0Ready = false;
                for (WeightMatrix m : ms) {
                    for (int b = from; b < to; b++) m.prepare(xs[b], to - from);
                    if (!m.takesPanel(to - from)) continue;
                    if (m.type() == QuantType.Q8_0 && !q8_0Ready) {
                        fill(q8_0, fillQ8_0, m.type(), from, to, pool);
                        q8_0Ready = true;
                    } else if (m.type() != QuantType.Q8_0 && !floatsReady) {
                        fill(floats, fillFloats, m.type(), from, to, pool);
                        floatsReady = true;
                    }
                }
            }

            /**
             * Fills a panel on the pool: on the calling thread alone it took 160 us for 96 tokens of 2048 elements
             * (one Zen 5 core), with every other thread waiting.
             */
            private void fill(TokenPanel panel, WorkerPool.RangeTask step, QuantType type, int from, int to,
                              WorkerPool pool) {
                panel.start(type, xs, from, to);
                pool.parallelFor(panel.blocks(), 1, step);
            }

            @Override
            public Activation[] get(int from, int to) {
                return xs;
            }

            @Override
            public TokenPanel panel(QuantType type) {
                if (type == QuantType.Q8_0) return q8_0Ready ? q8_0 : null;
                return floatsReady ? floats : null;
            }
        };
    }
}
