package dev.hearth.gguf.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exact integer block sums, the inner work of the quantized dot products, by each way Java can reach them (issue #8):
 * per 256-value block the 8 ggml lane sums of (small int weight) x (int8 activation) ({@code GgmlLanes}: lane
 * {@code k} takes 32 of the block's products), each fused-multiply-added into a float accumulator with a per-block
 * scale, then {@code hsum8}. Every variant computes the same lane sums and so returns the same float, to the bit
 * (checked in {@link #setup}); they differ only in how the products are formed and summed:
 * <ul>
 *   <li>{@code floatFma}, {@code floatFmaWide}: the float multiply-adds of {@code UnpackedKernels} on exact
 *       integers held as floats, 256 and 512 bits (the wide one adds the two 8-lane halves per block), one chain of
 *       multiply-adds per block as {@code UnpackedKernels.dot}; {@code floatFma4} with four;</li>
 *   <li>{@code c2MaddRow}: a scalar loop of the multiply-add-pairs shape
 *       {@code p[i] = w[2i] * x[2i] + w[2i+1] * x[2i+1]} over the whole row (short[] into int[]), left to C2's
 *       auto-vectorizer (MulAddS2I, vpmaddwd), then the lanes folded per block with {@code IntVector};</li>
 *   <li>{@code c2MaddBlock}: the same loop per block (128 pairs), then folded;</li>
 *   <li>{@code c2DpAccRow}: the accumulating form {@code p[i] += ...} over the row (p zeroed first), which C2 turns
 *       into vpdpwssd on AVX512_VNNI;</li>
 *   <li>{@code c2Reduce}: the reduction form {@code s += w[2i] * x[2i] + w[2i+1] * x[2i+1]}, one loop per lane;</li>
 *   <li>{@code shortMulAdd}: {@code ShortVector.mul} and {@code add} accumulated in 16-bit lanes through the block
 *       (8 products a lane at 512 bits: exact for |w| &lt;= 32, |x| &lt;= 127), widened to ints once per block;</li>
 *   <li>{@code shortMaddEmul}: vpmaddwd written with the Vector API, a 16-bit multiply and a shift-and-add
 *       widening every step ({@code Simd.pairSum});</li>
 *   <li>{@code intS2I}: 16 shorts widened to ints ({@code S2I}), multiplied and added in 32-bit lanes.</li>
 * </ul>
 * Weights {@code q4} lie in [0, 15] (Q4_K quants), {@code q6} in [-32, 31] (Q6_K quants), activations in
 * [-127, 127]; each variant reads its own copy laid out as it needs ({@link #setup}). One operation is one row of
 * {@code n} values: flops = 2n (a multiply-add counted as 2), bytes = 2n, the weights as shorts (the float variants
 * load twice that); {@link KernelBenchmarks} holds that {@link Work} itself, since this class needs the vector module
 * to link.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class MaddBench {

    private static final int BLOCK = 256;
    private static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> FLOAT_WIDE = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> INT_WIDE = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> SHORT_WIDE = ShortVector.SPECIES_512;
    private static final VectorSpecies<Short> SHORT = ShortVector.SPECIES_256;
    /** Swaps the two 8-lane halves of a 512-bit vector: lanes {@code k} and {@code k + 8} are both ggml lane k. */
    private static final VectorShuffle<Float> SWAP_FLOAT = VectorShuffle.fromOp(FLOAT_WIDE, i -> (i + 8) & 15);
    private static final VectorShuffle<Integer> SWAP_INT = VectorShuffle.fromOp(INT_WIDE, i -> (i + 8) & 15);

    @Param({"q4", "q6"})
    public String weights;

    @Param({"2048"})
    public int n;

    /** Lane-8 order: value {@code 8j + k} of a block is the j-th of ggml lane k (the float layout of UnpackedRow). */
    private float[] wf, xf;
    private short[] w8, x8;
    /** Pair order: shorts {@code 2i, 2i+1} of a block form int {@code i}, of ggml lane {@code i % 8} (vpmaddwd's). */
    private short[] wp, xp;
    /** Lane-major order: the 32 values of lane k at {@code 32k .. 32k+31} of a block (the scalar reduction's). */
    private short[] wl, xl;
    /** Per block, the combined scale (weight scale times activation scale). */
    private float[] d;
    /** Pair sums, {@code n / 2} ints. */
    private int[] p;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(BenchData.SEED);
        int lo = weights.equals("q4") ? 0 : -32;
        int hi = weights.equals("q4") ? 15 : 31;
        int blocks = n / BLOCK;
        wf = new float[n];
        xf = new float[n];
        w8 = new short[n];
        x8 = new short[n];
        wp = new short[n];
        xp = new short[n];
        wl = new short[n];
        xl = new short[n];
        d = new float[blocks];
        p = new int[n / 2];
        for (int b = 0; b < blocks; b++) {
            d[b] = (float) (rnd.nextDouble(1e-6, 1e-4));
            for (int k = 0; k < 8; k++) {
                for (int j = 0; j < 32; j++) {
                    short w = (short) rnd.nextInt(lo, hi + 1);
                    short x = (short) rnd.nextInt(-127, 128);
                    int at8 = BLOCK * b + 8 * j + k;
                    int atPair = BLOCK * b + 16 * (j >> 1) + 2 * k + (j & 1);
                    int atLane = BLOCK * b + 32 * k + j;
                    wf[at8] = w;
                    xf[at8] = x;
                    w8[at8] = w;
                    x8[at8] = x;
                    wp[atPair] = w;
                    xp[atPair] = x;
                    wl[atLane] = w;
                    xl[atLane] = x;
                }
            }
        }
        float expected = c2Reduce();
        float[] got = {floatFma(), floatFma4(), floatFmaWide(), c2MaddRow(), c2MaddBlock(), c2DpAccRow(), shortMulAdd(),
                shortMaddEmul(), intS2I()};
        for (float g : got) {
            if (Float.floatToRawIntBits(g) != Float.floatToRawIntBits(expected)) {
                throw new IllegalStateException("variants differ: " + expected + " vs " + Arrays.toString(got));
            }
        }
    }

    /** ggml's 8-lane reduction ({@code GgmlLanes.hsum8}). */
    private static float hsum8(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7) {
        return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
    }

    @Benchmark
    public float floatFma() {
        FloatVector acc = FloatVector.zero(FLOAT);
        for (int b = 0; b < n / BLOCK; b++) {
            FloatVector z = FloatVector.zero(FLOAT);
            for (int i = BLOCK * b; i < BLOCK * b + BLOCK; i += 8) {
                z = FloatVector.fromArray(FLOAT, wf, i).fma(FloatVector.fromArray(FLOAT, xf, i), z);
            }
            acc = z.fma(FloatVector.broadcast(FLOAT, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }

    /** {@link #floatFma} with 4 independent sums per block, added at its end (exact integers: the same lanes). */
    @Benchmark
    public float floatFma4() {
        FloatVector acc = FloatVector.zero(FLOAT);
        for (int b = 0; b < n / BLOCK; b++) {
            FloatVector z0 = FloatVector.zero(FLOAT), z1 = z0, z2 = z0, z3 = z0;
            for (int i = BLOCK * b; i < BLOCK * b + BLOCK; i += 32) {
                z0 = FloatVector.fromArray(FLOAT, wf, i).fma(FloatVector.fromArray(FLOAT, xf, i), z0);
                z1 = FloatVector.fromArray(FLOAT, wf, i + 8).fma(FloatVector.fromArray(FLOAT, xf, i + 8), z1);
                z2 = FloatVector.fromArray(FLOAT, wf, i + 16).fma(FloatVector.fromArray(FLOAT, xf, i + 16), z2);
                z3 = FloatVector.fromArray(FLOAT, wf, i + 24).fma(FloatVector.fromArray(FLOAT, xf, i + 24), z3);
            }
            acc = z0.add(z1).add(z2.add(z3)).fma(FloatVector.broadcast(FLOAT, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }

    @Benchmark
    public float floatFmaWide() {
        FloatVector acc = FloatVector.zero(FLOAT_WIDE); // lanes 8-15 repeat lanes 0-7
        for (int b = 0; b < n / BLOCK; b++) {
            FloatVector z = FloatVector.zero(FLOAT_WIDE);
            for (int i = BLOCK * b; i < BLOCK * b + BLOCK; i += 16) {
                z = FloatVector.fromArray(FLOAT_WIDE, wf, i).fma(FloatVector.fromArray(FLOAT_WIDE, xf, i), z);
            }
            acc = z.add(z.rearrange(SWAP_FLOAT)).fma(FloatVector.broadcast(FLOAT_WIDE, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }

    /** {@code out[i] = a[2i] * b[2i] + a[2i+1] * b[2i+1]} for {@code count} ints from {@code at}: the shape C2 matches. */
    private static void maddPairs(short[] a, short[] b, int[] out, int at, int count) {
        for (int i = at; i < at + count; i++) {
            out[i] = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    /** The same, accumulating: {@code out[i] += ...} (AddVI over MulAddVS2VI: vpdpwssd with AVX512_VNNI). */
    private static void maddPairsAcc(short[] a, short[] b, int[] out, int at, int count) {
        for (int i = at; i < at + count; i++) {
            out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    @Benchmark
    public float c2MaddRow() {
        maddPairs(wp, xp, p, 0, n / 2);
        return foldPairs();
    }

    @Benchmark
    public float c2MaddBlock() {
        FloatVector acc = FloatVector.zero(FLOAT_WIDE);
        for (int b = 0; b < n / BLOCK; b++) {
            maddPairs(wp, xp, p, BLOCK / 2 * b, BLOCK / 2);
            int at = BLOCK / 2 * b;
            IntVector s = IntVector.fromArray(INT_WIDE, p, at);
            for (int i = 16; i < BLOCK / 2; i += 16) {
                s = s.add(IntVector.fromArray(INT_WIDE, p, at + i));
            }
            acc = ((FloatVector) s.add(s.rearrange(SWAP_INT)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOAT_WIDE, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }

    @Benchmark
    public float c2DpAccRow() {
        Arrays.fill(p, 0);
        maddPairsAcc(wp, xp, p, 0, n / 2);
        return foldPairs();
    }

    /** The per-block float step over the pair sums in {@link #p}: 128 ints a block, int i of ggml lane i % 8. */
    private float foldPairs() {
        FloatVector acc = FloatVector.zero(FLOAT_WIDE);
        for (int b = 0; b < n / BLOCK; b++) {
            int at = BLOCK / 2 * b;
            IntVector s = IntVector.fromArray(INT_WIDE, p, at)
                    .add(IntVector.fromArray(INT_WIDE, p, at + 16))
                    .add(IntVector.fromArray(INT_WIDE, p, at + 32))
                    .add(IntVector.fromArray(INT_WIDE, p, at + 48))
                    .add(IntVector.fromArray(INT_WIDE, p, at + 64)
                            .add(IntVector.fromArray(INT_WIDE, p, at + 80))
                            .add(IntVector.fromArray(INT_WIDE, p, at + 96))
                            .add(IntVector.fromArray(INT_WIDE, p, at + 112)));
            acc = ((FloatVector) s.add(s.rearrange(SWAP_INT)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOAT_WIDE, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }

    @Benchmark
    public float c2Reduce() {
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        for (int b = 0; b < n / BLOCK; b++) {
            int at = BLOCK * b;
            float s = d[b];
            a0 = Math.fma((float) laneSum(wl, xl, at), s, a0);
            a1 = Math.fma((float) laneSum(wl, xl, at + 32), s, a1);
            a2 = Math.fma((float) laneSum(wl, xl, at + 64), s, a2);
            a3 = Math.fma((float) laneSum(wl, xl, at + 96), s, a3);
            a4 = Math.fma((float) laneSum(wl, xl, at + 128), s, a4);
            a5 = Math.fma((float) laneSum(wl, xl, at + 160), s, a5);
            a6 = Math.fma((float) laneSum(wl, xl, at + 192), s, a6);
            a7 = Math.fma((float) laneSum(wl, xl, at + 224), s, a7);
        }
        return hsum8(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /** The reduction form over one lane's 32 values (16 pairs) from {@code at}. */
    private static int laneSum(short[] a, short[] b, int at) {
        int sum = 0;
        for (int i = at / 2; i < at / 2 + 16; i++) {
            sum += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
        return sum;
    }

    @Benchmark
    public float shortMulAdd() {
        FloatVector acc = FloatVector.zero(FLOAT_WIDE);
        for (int b = 0; b < n / BLOCK; b++) {
            ShortVector s = ShortVector.zero(SHORT_WIDE);
            for (int i = BLOCK * b; i < BLOCK * b + BLOCK; i += 32) {
                s = s.add(ShortVector.fromArray(SHORT_WIDE, wp, i).mul(ShortVector.fromArray(SHORT_WIDE, xp, i)));
            }
            // each int lane's two 16-bit lanes, sign-extended and added (Simd.pairSum)
            IntVector v = s.reinterpretAsInts();
            IntVector lanes = v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v.lanewise(VectorOperators.ASHR, 16));
            acc = ((FloatVector) lanes.add(lanes.rearrange(SWAP_INT)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOAT_WIDE, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }

    @Benchmark
    public float shortMaddEmul() {
        FloatVector acc = FloatVector.zero(FLOAT_WIDE);
        for (int b = 0; b < n / BLOCK; b++) {
            IntVector lanes = IntVector.zero(INT_WIDE);
            for (int i = BLOCK * b; i < BLOCK * b + BLOCK; i += 32) {
                IntVector v = ShortVector.fromArray(SHORT_WIDE, wp, i).mul(ShortVector.fromArray(SHORT_WIDE, xp, i))
                        .reinterpretAsInts();
                lanes = lanes.add(v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(v.lanewise(VectorOperators.ASHR, 16)));
            }
            acc = ((FloatVector) lanes.add(lanes.rearrange(SWAP_INT)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOAT_WIDE, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }

    @Benchmark
    public float intS2I() {
        FloatVector acc = FloatVector.zero(FLOAT_WIDE);
        for (int b = 0; b < n / BLOCK; b++) {
            IntVector lanes = IntVector.zero(INT_WIDE);
            for (int i = BLOCK * b; i < BLOCK * b + BLOCK; i += 16) {
                IntVector w = (IntVector) ShortVector.fromArray(SHORT, w8, i)
                        .convertShape(VectorOperators.S2I, INT_WIDE, 0);
                IntVector x = (IntVector) ShortVector.fromArray(SHORT, x8, i)
                        .convertShape(VectorOperators.S2I, INT_WIDE, 0);
                lanes = lanes.add(w.mul(x));
            }
            acc = ((FloatVector) lanes.add(lanes.rearrange(SWAP_INT)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(FLOAT_WIDE, d[b]), acc);
        }
        return hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                acc.lane(7));
    }
}
