package dev.hearth.gguf.engine;

import java.util.Arrays;

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
            /** A panel of each kind ({@link TokenPanel#kind}). */
            private final TokenPanel[] panels = new TokenPanel[TokenPanel.KINDS];
            /** The pool's steps filling them, made once: a lambda made per product would be allocated each time. */
            private final WorkerPool.RangeTask[] fills = new WorkerPool.RangeTask[TokenPanel.KINDS];
            private final boolean[] ready = new boolean[TokenPanel.KINDS];

            {
                for (int k = 0; k < TokenPanel.KINDS; k++) {
                    panels[k] = new TokenPanel();
                    fills[k] = panels[k]::fillBlocks;
                }
            }

            @Override
            public void prepare(WeightMatrix[] ms, int from, int to, WorkerPool pool) {
                Arrays.fill(ready, false);
                for (WeightMatrix m : ms) {
                    for (int b = from; b < to; b++) m.prepare(xs[b], to - from);
                    int kind = TokenPanel.kind(m.type());
                    if (!m.takesPanel(to - from) || ready[kind]) continue;
                    // filled on the pool: on the calling thread alone 96 tokens of 2048 elements took 160 us (one
                    // Zen 5 core), with every other thread waiting
                    panels[kind].start(m.type(), xs, from, to);
                    pool.parallelFor(panels[kind].blocks(), 1, fills[kind]);
                    ready[kind] = true;
                }
            }

            @Override
            public Activation[] get(int from, int to) {
                return xs;
            }

            @Override
            public TokenPanel panel(QuantType type) {
                int kind = TokenPanel.kind(type);
                return ready[kind] ? panels[kind] : null;
            }
        };
    }
}
