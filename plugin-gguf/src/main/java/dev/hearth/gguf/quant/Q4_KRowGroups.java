package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K rows repacked at load in groups of 16 ({@link RowGroups}), for the CPU's products (one token at a time,
 * {@link #dotGroup}, or two, {@link #dotGroup2}): one 512-bit step holds two weights of each of the 16 rows, so an
 * int lane is a row. Every activation pair is broadcast once for all 16 rows, products sum in 16-bit lanes over a
 * whole sub-block, and the sub-block scales and mins multiply 16 rows in one integer step each. The row-at-a-time
 * kernel ({@link Q4_KKernels#dotVector}) needs a horizontal pair sum and a shuffled scale per 64 weights of one row;
 * this needs them per 32 weights of 16 rows.
 *
 * <p>Group layout, per super-block {@code b} of 256 weights, {@value #BLOCK_BYTES} bytes at
 * {@code (group * superBlocks + b) * BLOCK_BYTES}:
 * <pre>
 *    0  float d[16]              each row's d (from its F16)
 *   64  float dmin[16]
 *  128  uint8 scales[8][16]      sub-block j, row r at 16 j + r
 *  256  uint8 mins[8][16]
 *  384  qs[8][4][64]             sub-block j, step group z: 32 16-bit lanes; lane l is row l / 2, and its
 *                                nibble t (bits 4t..4t+3) is weight 32 j + 2 (4 z + t) + l % 2 of that row
 * </pre>
 * Per row the result is {@code sum_b d dx isum_b - dmin dx msum_b} with exact integer sums, fused-multiply-added
 * super-block by super-block; it differs from the row kernels' (ggml's lane order) by float rounding only.
 */
public final class Q4_KRowGroups {

    private static final int ROWS = RowGroups.ROWS;
    /** Bytes of one group's super-block. */
    static final int BLOCK_BYTES = 2432;
    static final int SCALES = 128;
    static final int MINS = 256;
    private static final int QS = 384;

    private Q4_KRowGroups() {
    }

    /** Writes a {@code block_q4_K} ({@code in}) as row {@code r} of a zeroed group super-block ({@code out}). */
    static void pack(byte[] in, int r, byte[] out) {
        MemorySegment block = MemorySegment.ofArray(in);
        MemorySegment outSegment = MemorySegment.ofArray(out);
        outSegment.set(Bytes.FLOAT_LE, 4L * r, Bytes.f16(block, 0));
        outSegment.set(Bytes.FLOAT_LE, 64 + 4L * r, Bytes.f16(block, 2));
        for (int j = 0; j < 8; j++) {
            out[SCALES + 16 * j + r] = (byte) Q4_KKernels.scale(block, 4, j);
            out[MINS + 16 * j + r] = (byte) Q4_KKernels.min(block, 4, j);
        }
        // each 16-bit lane whole: nibble t of row r's lane for parity p in step group z of sub-block j is weight
        // k + 2 t, k = 32 j + 8 z + p; quant k of a block_q4_K is in byte 16 + 32 (k / 64) + k % 32, in its low
        // nibble for the first 32 of each 64, so the lane's four lie two bytes apart under one shift
        for (int j = 0; j < 8; j++) {
            int shift = 4 * (j % 2);
            for (int z = 0; z < 4; z++) {
                for (int p = 0; p < 2; p++) {
                    int at = 16 + 32 * (j / 2) + 8 * z + p;
                    int lane = (in[at] >>> shift & 0xF) | (in[at + 2] >>> shift & 0xF) << 4
                            | (in[at + 4] >>> shift & 0xF) << 8 | (in[at + 6] >>> shift & 0xF) << 12;
                    Bytes.putShortLE(out, QS + 256 * j + 64 * z + 2 * (2 * r + p), lane);
                }
            }
        }
    }

    /** Byte offset (from the super-block) and nibble shift of row {@code r}'s quant {@code k}. */
    private static long quantByte(int r, int k) {
        int j = k / 32;
        int s = (k % 32) / 2;
        int lane = 2 * r + (k & 1);
        return QS + 256L * j + 64L * (s / 4) + 2L * lane + ((s % 4) >= 2 ? 1 : 0);
    }

    private static int quantShift(int k) {
        return 4 * (((k % 32) / 2) % 2);
    }

    /** Row {@code r}'s quant {@code k} in the group super-block at {@code in}. */
    static int quantAt(MemorySegment groups, long in, int r, int k) {
        return (groups.get(ValueLayout.JAVA_BYTE, in + quantByte(r, k)) >>> quantShift(k)) & 0xF;
    }

    /**
     * The scalar twin of {@link #dotGroup}: the same integer sums and the same two fused multiply-adds per row and
     * super-block, so the same floats to the bit.
     */
    static void dotGroupScalar(MemorySegment w, long offset, Q8Activation x, int n, float[] out, int outOff) {
        Bytes.checkBlocks(n, Q4_KKernels.BLOCK_SIZE, "Q4_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        int[] sums = x.sums();
        float[] xd = x.scales();
        for (int r = 0; r < ROWS; r++) {
            float acc = 0f;
            for (int b = 0; b < n / Q4_KKernels.BLOCK_SIZE; b++) {
                long in = offset + (long) b * BLOCK_BYTES;
                int isum = 0;
                int msum = 0;
                for (int j = 0; j < 8; j++) {
                    int sub = 0;
                    for (int k = 32 * j; k < 32 * j + 32; k++) {
                        sub += quantAt(w, in, r, k) * xq[256 * b + k];
                    }
                    isum += sub * w.get(ValueLayout.JAVA_BYTE, in + SCALES + 16 * j + r);
                    msum += w.get(ValueLayout.JAVA_BYTE, in + MINS + 16 * j + r) * (sums[16 * b + 2 * j] + sums[16 * b + 2 * j + 1]);
                }
                float d = w.get(Bytes.FLOAT_LE, in + 4L * r);
                float dmin = w.get(Bytes.FLOAT_LE, in + 64 + 4L * r);
                acc = Math.fma((float) isum, d * xd[b], acc);
                acc = Math.fma((float) msum, dmin * -xd[b], acc);
            }
            out[outOff + r] = acc;
        }
    }

    /**
     * Decodes the 16 rows of the group at {@code offset} for {@link DecodedGroup}: weight {@code k} of row {@code r}
     * as the integer {@code q sc} of its sub-block (at most 15 x 63) at {@code out[16 k + r]}; per super-block
     * {@code b} each row's {@code d} and {@code dmin} at {@code 16 b + r} and its 8 mins at
     * {@code mins[16 (8 b + j) + r]}.
     * A step's low 16-bit half in an int lane holds the row's even weights, the high half its odd ones.
     */
    static void decode(MemorySegment w, long offset, int n, float[] out, float[] d, float[] dmin, float[] mins) {
        Bytes.checkBlocks(n, Q4_KKernels.BLOCK_SIZE, "Q4_K");
        for (int b = 0; b < n / Q4_KKernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE).intoArray(d, ROWS * b);
            FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in + 64, LE).intoArray(dmin, ROWS * b);
            for (int j = 0; j < 8; j++) {
                rowBytes(w, in + MINS + 16 * j).intoArray(mins, ROWS * (8 * b + j));
                FloatVector scales = rowBytes(w, in + SCALES + 16 * j);
                for (int z = 0; z < 4; z++) {
                    long step = in + QS + 256 * j + 64 * z;
                    IntVector lanes = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, step, LE)
                            .reinterpretAsInts();
                    for (int t = 0; t < 4; t++) {
                        int k = Q4_KKernels.BLOCK_SIZE * b + 32 * j + 8 * z + 2 * t;
                        ((FloatVector) lanes.lanewise(VectorOperators.LSHR, 4 * t).and(0xF)
                                .convert(VectorOperators.I2F, 0)).mul(scales).intoArray(out, ROWS * k);
                        ((FloatVector) lanes.lanewise(VectorOperators.LSHR, 16 + 4 * t).and(0xF)
                                .convert(VectorOperators.I2F, 0)).mul(scales).intoArray(out, ROWS * (k + 1));
                    }
                }
            }
        }
    }

    /** The 16 bytes at {@code at} (scales or mins, below 64), one a row, as floats. */
    private static FloatVector rowBytes(MemorySegment w, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, at, LE)
                .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0).convert(VectorOperators.I2F, 0);
    }

    /**
     * {@code out[outOff + r] = row r · x} for the 16 rows of the group at {@code offset}. Per sub-block, 16
     * broadcast activation pairs times the 4-bit quants in 16-bit lanes (at most 16 products of 15 x 128 a lane,
     * so no overflow), the row's two lanes widened and added into its int lane (their sum, up to 32 x 15 x 128,
     * does not fit 16 bits), one multiply by the 16 rows' scales. Each super-block asks for the next one
     * ({@link Prefetch}): one token's product streams the group from memory.
     */
    public static void dotGroup(MemorySegment w, long offset, Q8Activation x, int n, float[] out, int outOff) {
        Bytes.checkBlocks(n, Q4_KKernels.BLOCK_SIZE, "Q4_K");
        x.require(ActivationFormat.Q8_K, n);
        int[] xp = x.quantPairs();
        int[] sums = x.sums();
        float[] xd = x.scales();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT_WIDE);
        for (int b = 0; b < n / Q4_KKernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            Prefetch.range(w, in + BLOCK_BYTES, BLOCK_BYTES); // the next step's bytes
            IntVector isum = IntVector.zero(GgmlLanes.INT_WIDE);
            IntVector msum = IntVector.zero(GgmlLanes.INT_WIDE);
            for (int j = 0; j < 8; j++) {
                ShortVector sub = ShortVector.zero(GgmlLanes.SHORT_WIDE);
                for (int z = 0; z < 4; z++) {
                    ShortVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, in + QS + 256 * j + 64 * z, LE)
                            .reinterpretAsShorts();
                    int i = 128 * b + 16 * j + 4 * z;
                    sub = sub.add(q.and((short) 0xF)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i]).reinterpretAsShorts()))
                            .add(q.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i + 1]).reinterpretAsShorts()))
                            .add(q.lanewise(VectorOperators.LSHR, 8).and((short) 0xF)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i + 2]).reinterpretAsShorts()))
                            .add(q.lanewise(VectorOperators.LSHR, 12)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i + 3]).reinterpretAsShorts()));
                }
                // GgmlLanes.pairSum written out: through the helper the kernels grew past C2's inlining budget
                // and boxed (GenerationAllocationTest)
                IntVector pairs = sub.reinterpretAsInts();
                IntVector rows = pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(pairs.lanewise(VectorOperators.ASHR, 16));
                IntVector scales = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, in + SCALES + 16 * j, LE)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                IntVector mins = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, in + MINS + 16 * j, LE)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                isum = isum.add(rows.mul(scales));
                msum = msum.add(mins.mul(sums[16 * b + 2 * j] + sums[16 * b + 2 * j + 1]));
            }
            float dx = xd[b];
            FloatVector d = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE);
            FloatVector dmin = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in + 64, LE);
            acc = ((FloatVector) isum.convert(VectorOperators.I2F, 0)).fma(d.mul(dx), acc);
            acc = ((FloatVector) msum.convert(VectorOperators.I2F, 0)).fma(dmin.mul(-dx), acc);
        }
        acc.intoArray(out, outOff);
    }

    /**
     * {@link #dotGroup} for two activations at once, each giving the same floats to the bit as alone: the quants
     * are loaded and split into nibbles once for both. Written out for two: vectors in arrays would be boxed, and
     * four written out grow the method past C2's inlining budget, which then boxes them too.
     */
    public static void dotGroup2(MemorySegment w, long offset, Q8Activation x0, Q8Activation x1, int n,
                                 float[] out0, float[] out1, int outOff) {
        Bytes.checkBlocks(n, Q4_KKernels.BLOCK_SIZE, "Q4_K");
        x0.require(ActivationFormat.Q8_K, n);
        x1.require(ActivationFormat.Q8_K, n);
        int[] p0 = x0.quantPairs();
        int[] p1 = x1.quantPairs();
        FloatVector acc0 = FloatVector.zero(GgmlLanes.FLOAT_WIDE);
        FloatVector acc1 = acc0;
        for (int b = 0; b < n / Q4_KKernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            IntVector isum0 = IntVector.zero(GgmlLanes.INT_WIDE);
            IntVector isum1 = isum0;
            IntVector msum0 = isum0;
            IntVector msum1 = isum0;
            for (int j = 0; j < 8; j++) {
                ShortVector sub0 = ShortVector.zero(GgmlLanes.SHORT_WIDE);
                ShortVector sub1 = sub0;
                for (int z = 0; z < 4; z++) {
                    ShortVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, in + QS + 256 * j + 64 * z, LE)
                            .reinterpretAsShorts();
                    ShortVector n0 = q.and((short) 0xF);
                    ShortVector n1 = q.lanewise(VectorOperators.LSHR, 4).and((short) 0xF);
                    ShortVector n2 = q.lanewise(VectorOperators.LSHR, 8).and((short) 0xF);
                    ShortVector n3 = q.lanewise(VectorOperators.LSHR, 12);
                    int i = 128 * b + 16 * j + 4 * z;
                    sub0 = sub0.add(n0.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i]).reinterpretAsShorts()))
                            .add(n1.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i + 1]).reinterpretAsShorts()))
                            .add(n2.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i + 2]).reinterpretAsShorts()))
                            .add(n3.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i + 3]).reinterpretAsShorts()));
                    sub1 = sub1.add(n0.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i]).reinterpretAsShorts()))
                            .add(n1.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i + 1]).reinterpretAsShorts()))
                            .add(n2.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i + 2]).reinterpretAsShorts()))
                            .add(n3.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i + 3]).reinterpretAsShorts()));
                }
                IntVector scales = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, in + SCALES + 16 * j, LE)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                IntVector r0 = sub0.reinterpretAsInts();
                isum0 = isum0.add(r0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(r0.lanewise(VectorOperators.ASHR, 16)).mul(scales));
                IntVector r1 = sub1.reinterpretAsInts();
                isum1 = isum1.add(r1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(r1.lanewise(VectorOperators.ASHR, 16)).mul(scales));
                IntVector mins = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, in + MINS + 16 * j, LE)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                int s = 16 * b + 2 * j;
                msum0 = msum0.add(mins.mul(x0.sums()[s] + x0.sums()[s + 1]));
                msum1 = msum1.add(mins.mul(x1.sums()[s] + x1.sums()[s + 1]));
            }
            FloatVector d = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE);
            acc0 = ((FloatVector) isum0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.scales()[b]), acc0);
            acc1 = ((FloatVector) isum1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.scales()[b]), acc1);
            // the min terms after the scaled sums of the super-block, as in the single kernel
            FloatVector dmin = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in + 64, LE);
            acc0 = ((FloatVector) msum0.convert(VectorOperators.I2F, 0)).fma(dmin.mul(-x0.scales()[b]), acc0);
            acc1 = ((FloatVector) msum1.convert(VectorOperators.I2F, 0)).fma(dmin.mul(-x1.scales()[b]), acc1);
        }
        acc0.intoArray(out0, outOff);
        acc1.intoArray(out1, outOff);
    }
}
