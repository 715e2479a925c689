package dev.hearth.gguf.engine;

import dev.hearth.gguf.quant.Activation;

/** The activations a product multiplies, as each of the pool's threads reads them. */
public interface ProductInput {

    /** Prepares on the calling thread, before the pool starts, what the threads read for matrices {@code ms}. */
    void prepare(WeightMatrix[] ms, int from, int to);

    /** The activations, indexed by batch row, that the calling thread multiplies rows {@code from .. to-1} with. */
    Activation[] get(int from, int to);

    /** Activations made once and read by every thread. */
    static ProductInput shared(Activation[] xs) {
        return new ProductInput() {
            @Override
            public void prepare(WeightMatrix[] ms, int from, int to) {
                for (WeightMatrix m : ms) {
                    for (int b = from; b < to; b++) m.prepare(xs[b], to - from);
                }
            }

            @Override
            public Activation[] get(int from, int to) {
                return xs;
            }
        };
    }
}
