package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.QuantType;

/** Activations made by every pool thread for itself give the products that shared ones give. */
class ThreadActivationsTest {

    private static final int ROWS = 1024;
    private static final int COLS = 512;

    @Test
    void eachThreadMakesItsOwnOnceAndTheProductsAreTheSharedOnes() {
        Random rnd = new Random(7);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(4)) {
            WeightMatrix m = new WeightMatrix("w", QuantType.Q8_0, q8_0Rows(arena, rnd), ROWS, COLS);
            for (int product = 0; product < 3; product++) {
                // new activations every product, so that one made for an earlier product would show
                float[][] x = new float[2][COLS];
                for (float[] row : x) for (int i = 0; i < COLS; i++) row[i] = (float) rnd.nextGaussian();
                Activation[] shared = {new Activation(COLS), new Activation(COLS)};
                for (int b = 0; b < 2; b++) shared[b].set(x[b], 0, COLS);
                float[][] expected = new float[2][ROWS];
                m.matMul(shared, 0, 2, expected, pool);

                AtomicInteger made = new AtomicInteger();
                Set<Thread> makers = ConcurrentHashMap.newKeySet();
                ThreadActivations own = new ThreadActivations(COLS, (b, into, scratch) -> {
                    made.incrementAndGet();
                    makers.add(Thread.currentThread());
                    // a copy in the scratch, as a norm would write it
                    System.arraycopy(x[b], 0, scratch, 0, COLS);
                    m.prepare(into.set(scratch, 0, COLS), 2);
                });
                float[][] actual = new float[2][ROWS];
                new MatrixProduct().inSequence(new WeightMatrix[] {m}, own, 0, 2, new float[][][] {actual},
                        MatrixProduct.NOTHING, pool);
                for (int b = 0; b < 2; b++) assertArrayEquals(expected[b], actual[b], "product " + product + ", row " + b);
                assertEquals(2 * makers.size(), made.get(), "each thread makes each row once a product");
                assertTrue(makers.size() >= 1 && makers.size() <= 4, makers.size() + " threads made activations");
            }
        }
    }

    @Test
    void refusesMoreRowsThanItMakesPerThread() {
        ThreadActivations own = new ThreadActivations(COLS, (b, into, scratch) -> { });
        assertThrows(IllegalArgumentException.class,
                () -> own.prepare(new WeightMatrix[0], 0, ThreadActivations.MAX_ROWS + 1, null));
    }

    /** Q8_0 rows of random quants, each block's scale 1/64 (F16 0x2400). */
    private static MemorySegment q8_0Rows(Arena arena, Random rnd) {
        int blocks = ROWS * COLS / 32;
        MemorySegment w = arena.allocate((long) blocks * 34);
        for (int k = 0; k < blocks; k++) {
            w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 34L * k, (short) 0x2400);
            for (int j = 0; j < 32; j++) w.set(ValueLayout.JAVA_BYTE, 34L * k + 2 + j, (byte) (rnd.nextInt(255) - 127));
        }
        return w;
    }
}
