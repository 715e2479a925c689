package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A simple timing harness, not a test: one thread, a 2048 x 2048 matVec per type through {@link QuantType#dot},
 * median of the samples after warm-up. Runs only with {@code -Dhearth.timing=true}; the vector width follows
 * {@code -Dhearth.vector.bits}. Example:
 * <pre>
 * mvn -o -q -pl plugin-gguf test -Dtest=MatVecTiming -Dhearth.timing=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class MatVecTiming {

    static final int N = 2048;
    static final QuantType[] TYPES = {QuantType.Q8_0, QuantType.Q4_K, QuantType.Q6_K};

    @Test
    void matVec2048() {
        Assumptions.assumeTrue(Boolean.getBoolean("hearth.timing"), "timing runs with -Dhearth.timing=true");
        for (QuantType type : TYPES) {
            Random rnd = new Random(42);
            MemorySegment w = KernelFixtures.randomRows(type, N, N, 0, rnd);
            float[] xs = KernelFixtures.gaussian(rnd, N, 1.0);
            Activation x = new Activation(N).set(xs, 0, N).prepare(type.activationFormat());
            float[] out = new float[N];
            int samples = 40;
            long[] ns = new long[samples];
            for (int i = 0; i < 60; i++) {
                MatVec.matVec(type, w, 0, N, N, x, out, 0, N);
            }
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                MatVec.matVec(type, w, 0, N, N, x, out, 0, N);
                ns[i] = System.nanoTime() - t0;
            }
            Arrays.sort(ns);
            System.out.printf("TIMING %s bits=%d %dx%d matVec: median %.3f ms, min %.3f ms (checksum %g)%n",
                    type, Simd.BITS, N, N, ns[samples / 2] / 1e6, ns[0] / 1e6, out[0] + out[N - 1]);
        }
    }
}
