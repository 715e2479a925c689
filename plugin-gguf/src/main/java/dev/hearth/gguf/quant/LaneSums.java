package dev.hearth.gguf.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Many lane reductions at once, each equal to the bit to the one-vector tree of {@link Simd#sumLanes} (lane {@code i}
 * plus lane {@code i + g/2}, then the same on the lower half, down to lane 0), which is also the tree of
 * {@link GgmlLanes#hsum8} (g = 8) and {@link GgmlLanes#hsum4} (g = 4). A step merges two vectors into one: each
 * group's lane {@code i} plus lane {@code i + h}, the first vector's groups then the second's, by two two-vector
 * selects and an add. {@code L} groups take {@code L - 1} such steps of three instructions where one reduction at a
 * time takes about nine per group; the prompt tiles sum 16 products a tile this way.
 */
final class LaneSums {

    private final VectorSpecies<Float> species;
    /** Per step {@code s} ({@code h = L >> (s + 1)}): where each result lane's two addends lie in {@code x, y}. */
    private final FloatVector[] low;
    private final FloatVector[] high;

    /** For the engine's full-width floats and for the 256-bit K-quant tiles. */
    static final LaneSums FULL = new LaneSums(Simd.FLOAT);
    static final LaneSums STEP = new LaneSums(GgmlLanes.FLOAT);

    private LaneSums(VectorSpecies<Float> species) {
        this.species = species;
        int lanes = species.length();
        int steps = Integer.numberOfTrailingZeros(lanes);
        low = new FloatVector[steps];
        high = new FloatVector[steps];
        for (int step = 0; step < steps; step++) {
            int h = lanes >> (step + 1);
            int perVector = lanes / (2 * h); // groups of 2h lanes in each of x and y
            float[] lo = new float[lanes];
            float[] hi = new float[lanes];
            for (int z = 0; z < lanes; z++) {
                int group = z / h;
                int first = group < perVector ? group * 2 * h : lanes + (group - perVector) * 2 * h;
                lo[z] = first + z % h;
                hi[z] = first + z % h + h;
            }
            low[step] = FloatVector.fromArray(species, lo, 0);
            high[step] = FloatVector.fromArray(species, hi, 0);
        }
    }

    /** Floats {@link #sums} needs in {@code work}: the widest species' half a square of lanes. */
    static final int WORK = 16 * 16 / 2;

    /**
     * {@code dst[to + k]} = the tree sum of group {@code k} of {@code src}, for {@code groups} groups of {@code g}
     * consecutive floats from {@code src[at]}: {@code g} a power of two up to {@code L}, {@code groups} a multiple of
     * {@code L}. {@code work} holds {@link #WORK} floats from {@code workAt}, apart from {@code src} and
     * {@code dst}.
     */
    void sums(float[] src, int at, int groups, int g, float[] dst, int to, float[] work, int workAt) {
        int lanes = species.length();
        if (g < 2 || g > lanes || Integer.bitCount(g) != 1 || groups % lanes != 0) {
            throw new IllegalArgumentException(groups + " groups of " + g + " on " + lanes + " lanes");
        }
        int firstStep = Integer.numberOfTrailingZeros(lanes / g);
        for (int round = 0; round < groups; round += lanes) {
            // one round: g vectors of L / g groups each; the first step reads them from src
            int in = at + round * g;
            int step = firstStep;
            for (int vectors = g; vectors > 1; step++, vectors /= 2) {
                float[] from = step == firstStep ? src : work;
                int base = step == firstStep ? in : workAt;
                for (int q = 0; q < vectors / 2; q++) {
                    FloatVector x = FloatVector.fromArray(species, from, base + 2 * q * lanes);
                    FloatVector y = FloatVector.fromArray(species, from, base + (2 * q + 1) * lanes);
                    low[step].selectFrom(x, y).add(high[step].selectFrom(x, y)).intoArray(work, workAt + q * lanes);
                }
            }
            System.arraycopy(work, workAt, dst, to + round, lanes);
        }
    }
}
