package dev.hearth.gguf.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel uses, chosen once when this class initialises.
 *
 * <p>The width is the platform's preferred float vector (at most 512 bits), or the value of the system
 * property {@value #BITS_PROPERTY}: {@code 128}, {@code 256} or {@code 512} (never wider than the platform
 * prefers), or {@code 0} to turn the vector paths off so that {@link QuantType} dispatches to the scalar twins.
 *
 * <p>The integer kernels work in steps of {@link #STEP} bytes: {@link #BYTE_HALF} loads {@code STEP} int8
 * values, {@code B2S} widens them into one {@link #SHORT} vector, products are formed in 16 bits (exact for
 * the products of 8-bit quants with at most 8-bit activations) and {@link #pairSum} widens them to 32 bits.
 */
public final class Simd {

    /** System property overriding the vector width in bits; {@code 0} means scalar only. */
    public static final String BITS_PROPERTY = "hearth.vector.bits";

    /** The chosen vector width in bits (128, 256 or 512), or 0 when the vector paths are off. */
    public static final int BITS = chooseBits(System.getProperty(BITS_PROPERTY));

    /** Whether {@link QuantType} dispatches to the vector paths. */
    public static final boolean ENABLED = BITS != 0;

    private static final int SHAPE_BITS = ENABLED ? BITS : 128;

    /** Floats, full width ({@code L} lanes). */
    public static final VectorSpecies<Float> FLOAT = VectorSpecies.of(float.class, VectorShape.forBitSize(SHAPE_BITS));
    /** Ints, full width ({@code L} lanes). */
    public static final VectorSpecies<Integer> INT = VectorSpecies.of(int.class, VectorShape.forBitSize(SHAPE_BITS));
    /** Shorts, full width ({@code 2L} lanes). */
    public static final VectorSpecies<Short> SHORT = VectorSpecies.of(short.class, VectorShape.forBitSize(SHAPE_BITS));
    /** Shorts, half width ({@code L} lanes): F16/BF16 loads that widen to {@link #INT}. */
    public static final VectorSpecies<Short> SHORT_HALF = VectorSpecies.of(short.class, VectorShape.forBitSize(SHAPE_BITS / 2));
    /** Bytes, half width ({@code 2L} lanes): quant loads that widen to {@link #SHORT}. */
    public static final VectorSpecies<Byte> BYTE_HALF = VectorSpecies.of(byte.class, VectorShape.forBitSize(SHAPE_BITS / 2));

    /** Elements per integer step: 8, 16 or 32. */
    public static final int STEP = SHORT.length();

    /** Int lanes {@code >= L/2}: the upper half of an {@link #INT} vector. */
    static final VectorMask<Integer> UPPER_HALF =
            IntVector.zero(INT).addIndex(1).compare(VectorOperators.GE, INT.length() / 2);

    private Simd() {
    }

    static int chooseBits(String property) {
        int preferred = Math.min(512, FloatVector.SPECIES_PREFERRED.vectorBitSize());
        if (preferred < 128) {
            return 0;
        }
        if (property == null || property.isBlank()) {
            return preferred;
        }
        int requested;
        try {
            requested = Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BITS_PROPERTY + "=" + property + ": expected 0, 128, 256 or 512", e);
        }
        return switch (requested) {
            case 0 -> 0;
            case 128, 256, 512 -> Math.min(requested, preferred);
            default -> throw new IllegalArgumentException(
                    BITS_PROPERTY + "=" + property + ": expected 0, 128, 256 or 512");
        };
    }

    /** Widens a 16-bit byte-to-byte product vector to 32 bits, adding neighbouring lanes (like pmaddwd). */
    static IntVector pairSum(ShortVector products) {
        IntVector v = products.reinterpretAsInts();
        return v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(v.lanewise(VectorOperators.ASHR, 16));
    }

    /** Sign-extends {@link #STEP} bytes to shorts. */
    static ShortVector widen(ByteVector v) {
        return (ShortVector) v.convertShape(VectorOperators.B2S, SHORT, 0);
    }

    /**
     * The sum of {@code v}'s lanes in one fixed order: lane {@code i} plus lane {@code i + L/2}, then the same on the
     * lower half, down to lane 0. {@code reduceLanes(ADD)} promises no order, and does add in another one once C2
     * compiles it than in the interpreter, so the same call gave results an ulp apart depending on how warm the JIT
     * was; one ulp then flips an 8-bit activation rounding downstream.
     */
    public static float sumLanes(FloatVector v) {
        if (v.species() != FLOAT) {
            FloatVector s = v;
            for (int half = v.length() / 2; half > 0; half >>= 1) {
                s = s.add(s.rearrange(VectorShuffle.iota(v.species(), half, 1, true)));
            }
            return s.lane(0);
        }
        // the same steps with shuffles made once: built in the loop they took a prompt of F16 rows 5 % of its time
        FloatVector s = v;
        if (FLOAT.length() >= 16) s = s.add(s.rearrange(ROTATE_8));
        if (FLOAT.length() >= 8) s = s.add(s.rearrange(ROTATE_4));
        s = s.add(s.rearrange(ROTATE_2));
        return s.add(s.rearrange(ROTATE_1)).lane(0);
    }

    /** Lane {@code i} takes lane {@code i + k} (mod {@code L}): the steps of {@link #sumLanes}. */
    private static final VectorShuffle<Float> ROTATE_8 = VectorShuffle.iota(FLOAT, 8, 1, true);
    private static final VectorShuffle<Float> ROTATE_4 = VectorShuffle.iota(FLOAT, 4, 1, true);
    private static final VectorShuffle<Float> ROTATE_2 = VectorShuffle.iota(FLOAT, 2, 1, true);
    private static final VectorShuffle<Float> ROTATE_1 = VectorShuffle.iota(FLOAT, 1, 1, true);

    /** Converts an int vector to floats. */
    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convertShape(VectorOperators.I2F, FLOAT, 0);
    }
}
