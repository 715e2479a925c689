package dev.hearth.gguf.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fixed summation order shared by the Q8_0, Q4_K and Q6_K dot kernels, the order of ggml's x86 (AVX2) kernels.
 *
 * <p><b>Why the order is fixed.</b> Any order of the float additions is equally accurate, but different orders give
 * results a few ulps apart, and those ulps matter downstream: the next 8-bit activation quantisation turns a
 * one-ulp difference into a different int8 now and then, and on small random-weight test models (which are
 * chaotic) one such flip moves the logits by 1e-3 to 1e-2. Summing exactly as llama.cpp does on x86 makes our
 * logits agree with its reference logits to the bit or nearly so, which is what the reference tests compare.
 *
 * <p><b>The order.</b> A block's integer products go into 8 int32 lanes: lane {@code k} holds the products of the
 * weights at positions {@code 4k .. 4k+3} of every 32-weight group of the block (each product times its group's
 * scale for the K-quants). Integer sums are exact, so the order inside a lane does not matter. Once per block each
 * lane is converted to float and fused-multiply-added into an 8-lane float accumulator with the block's combined
 * scale (weight scale times activation scale). After the last block the 8 lanes are reduced as {@link #hsum8}: lane
 * {@code i} plus lane {@code i+4}, then (0,2) and (1,3), then the two. Q4_K's min term has its own 4-lane
 * accumulator, reduced as {@link #hsum4} and added last.
 *
 * <p><b>Vectors.</b> The vector kernels work on 256-bit vectors (as long as {@link Simd#BITS} is at least 256): 32
 * int8 weights fill one byte vector, whose 16-bit view holds two weights per lane and whose 32-bit view holds
 * exactly one ggml lane (4 weights) per lane. The even and odd weights of each 16-bit lane are sign-extended in place
 * and multiplied with the even and odd activations ({@link Q8Activation#evens}, split once per activation), the two
 * products added in 16 bits and the pairs of 16-bit lanes in 32 bits: the 8 int lanes are ggml's lanes without any
 * shuffling. Where {@link #WIDE}, the Q4_K and Q6_K kernels put two such 256-bit steps side by side in one 512-bit
 * step and add the two halves per super-block. With {@link Simd#BITS} 128 the kernels run their scalar twins, which
 * compute the same sums. {@link UnpackedKernels} reaches the same lanes with float multiply-adds.
 */
final class GgmlLanes {

    static final VectorSpecies<Byte> BYTE = ByteVector.SPECIES_256;
    static final VectorSpecies<Short> SHORT = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> INT = IntVector.SPECIES_256;
    static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_256;

    /** Whether the 256-bit vector paths run (else the kernels use their scalar twins). */
    static final boolean VECTOR = Simd.BITS >= 256;

    /**
     * Whether kernels may take 512-bit steps (two 256-bit steps side by side, whose two 8-lane halves are added
     * before each super-block's float step: the integer lanes, and so the result, stay the same). Fewer
     * instructions per byte; on 256-bit-only machines such vectors would not compile to single instructions.
     */
    static final boolean WIDE = Simd.BITS >= 512;

    static final VectorSpecies<Byte> BYTE_WIDE = ByteVector.SPECIES_512;
    static final VectorSpecies<Short> SHORT_WIDE = ShortVector.SPECIES_512;
    static final VectorSpecies<Integer> INT_WIDE = IntVector.SPECIES_512;
    static final VectorSpecies<Float> FLOAT_WIDE = FloatVector.SPECIES_512;

    /** Int lanes 8..15 of a 512-bit vector: its second 256-bit step. */
    static final VectorMask<Integer> UPPER_STEP = VectorMask.fromLong(INT_WIDE, 0xFF00);

    /** Swaps the two 8-lane halves of a 512-bit int vector: {@code v + v.rearrange(SWAP_STEPS)} adds the two steps. */
    static final VectorShuffle<Integer> SWAP_STEPS = VectorShuffle.fromOp(INT_WIDE, i -> (i + 8) & 15);

    /** Int lanes 4..7: the second 16 weights of a 32-weight group. */
    static final VectorMask<Integer> UPPER = VectorMask.fromLong(INT, 0xF0);

    private GgmlLanes() {
    }

    /**
     * Per 16-bit lane {@code j}, {@code wEven[j] * x[2j] + wOdd[j] * x[2j+1]} for the 32 activation quants whose
     * even and odd halves start at {@code xe[i]}, {@code xo[i]} ({@link Q8Activation#evens}). Exact in 16 bits
     * because activation quants lie in [-127, 127] and the weights here in [-128, 127]:
     * {@code |sum| <= 2 * 128 * 127 < 2^15}.
     */
    static ShortVector products(ShortVector wEven, ShortVector wOdd, short[] xe, short[] xo, int i) {
        return wEven.mul(ShortVector.fromArray(SHORT, xe, i)).add(wOdd.mul(ShortVector.fromArray(SHORT, xo, i)));
    }

    /** The sign-extended low byte of each 16-bit lane. */
    static ShortVector even(ShortVector v) {
        return v.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8);
    }

    /** The sign-extended high byte of each 16-bit lane. */
    static ShortVector odd(ShortVector v) {
        return v.lanewise(VectorOperators.ASHR, 8);
    }

    /** Per int lane, the sum of its two 16-bit lanes, exact for any values (17 bits). */
    static IntVector pairSum(ShortVector p) {
        return Simd.pairSum(p);
    }

    /**
     * {@link #pairSum} with one shift less, exact only where each sum of two lanes fits in 16 bits (the K-quants,
     * whose 4- and 6-bit weights keep {@code |sum| <= 4 * 32 * 127}): the high half of {@code p + (p << 16)} is
     * the sum modulo 2^16.
     */
    static IntVector pairSumNarrow(ShortVector p) {
        IntVector v = p.reinterpretAsInts();
        return v.add(v.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
    }

    /** Per lane, {@code acc + d * (float) lanes}: one block folded into the float accumulator. */
    static FloatVector accumulate(IntVector lanes, float d, FloatVector acc) {
        return toFloat(lanes).fma(FloatVector.broadcast(FLOAT, d), acc);
    }

    /** The 8 int lanes as floats (exact below 2^24). */
    static FloatVector toFloat(IntVector lanes) {
        return (FloatVector) lanes.convert(VectorOperators.I2F, 0);
    }

    /** ggml's 8-lane reduction ({@code hsum_float_8}): {@code ((a0+a4) + (a2+a6)) + ((a1+a5) + (a3+a7))}. */
    static float hsum8(FloatVector a) {
        return hsum8(a.lane(0), a.lane(1), a.lane(2), a.lane(3), a.lane(4), a.lane(5), a.lane(6), a.lane(7));
    }

    /** The scalar form of {@link #hsum8(FloatVector)}. */
    static float hsum8(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7) {
        float r0 = a0 + a4;
        float r1 = a1 + a5;
        float r2 = a2 + a6;
        float r3 = a3 + a7;
        return (r0 + r2) + (r1 + r3);
    }

    /** ggml's 4-lane reduction of the Q4_K min accumulator: {@code (m0+m2) + (m1+m3)}. */
    static float hsum4(float m0, float m1, float m2, float m3) {
        return (m0 + m2) + (m1 + m3);
    }
}
