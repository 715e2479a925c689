package dev.hearth.gguf.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.GgmlQuantizer;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quantize.RowQuantizer;

/** Seeded inputs for the kernel benchmarks: weight rows in a type's block layout and activation vectors. */
final class BenchData {

    static final long SEED = 1234;

    private BenchData() {
    }

    /** A pool of {@code threads} threads; 0: the engine's default count ({@link WorkerPool#defaultThreads}). */
    static WorkerPool pool(int threads) {
        return new WorkerPool(threads > 0 ? threads
                : WorkerPool.defaultThreads());
    }

    /** Gaussian floats with standard deviation {@code sigma}. */
    static float[] gaussian(int n, float sigma, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (nextGaussian(rnd) * sigma);
        return x;
    }

    private static double nextGaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble(), v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * {@code rows x cols} weights of {@code type}, 64-byte aligned, quantised from N(0, 0.02) floats where we
     * have a quantiser; for the other types random quant bytes with realistic block scales.
     */
    static MemorySegment weights(QuantType type, int rows, int cols, Arena arena) {
        long rowBytes = type.rowBytes(cols);
        MemorySegment w = arena.allocate(rowBytes * rows, 64);
        GgmlType g = GgmlType.fromId(type.typeId());
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int r = 0; r < rows; r++) {
            long at = r * rowBytes;
            if (RowQuantizer.supports(g)) {
                RowQuantizer.quantizeRow(g, gaussian(cols, 0.02f, SEED + r), 0, cols, w, at);
            } else if (GgmlQuantizer.supports(type)) {
                GgmlQuantizer.quantizeRow(type, gaussian(cols, 0.02f, SEED + r), 0, cols, w, at);
            } else {
                for (long i = 0; i < rowBytes; i++) w.set(ValueLayout.JAVA_BYTE, at + i, (byte) rnd.nextInt(256));
                saneScales(type, w, at, cols / type.blockSize());
            }
        }
        return w;
    }

    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Overwrites the float scales of random blocks (ggml's block layouts) with small, normal values. */
    private static void saneScales(QuantType type, MemorySegment w, long at, int blocks) {
        short d = Float.floatToFloat16(0.002f);
        for (int b = 0; b < blocks; b++) {
            long blk = at + (long) b * type.typeSize();
            switch (type) {
                case Q4_1, Q5_1 -> { w.set(HALF, blk, d); w.set(HALF, blk + 2, d); } // d, m first
                case Q4_0, Q5_0, Q8_0 -> w.set(HALF, blk, d);                         // d first
                case Q2_K -> { w.set(HALF, blk + 80, d); w.set(HALF, blk + 82, d); }  // scales[16] qs[64] d dmin
                case Q3_K -> w.set(HALF, blk + 108, d);                               // hmask[32] qs[64] scales[12] d
                case Q4_K, Q5_K -> { w.set(HALF, blk, d); w.set(HALF, blk + 2, d); } // d dmin first
                case Q6_K -> w.set(HALF, blk + 208, d);                               // ql[128] qh[64] scales[16] d
                case Q8_K -> w.set(FLOAT, blk, 0.002f);                               // float d first
                default -> { }
            }
        }
    }

    /** An activation of {@code n} N(0, 1) floats, prepared in the form {@code type} multiplies with. */
    static Activation activation(QuantType type, int n, long seed) {
        Activation x = new Activation(n);
        x.set(gaussian(n, 1f, seed), 0, n);
        x.prepare(type.activationFormat());
        return x;
    }
}
