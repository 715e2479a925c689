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
 * Q8_0 rows repacked at load in groups of 16 ({@link RowGroups}), for the CPU's products (one token at a time,
 * {@link #dotGroup}, or two, {@link #dotGroup2}; a prompt batch of a token panel or more decodes them to floats
 * instead, {@link #decode}). A step widens 32 quants, two of each row, to 16-bit lanes, so that
 * an int lane is a row; one activation pair is broadcast to all 16 rows. The row kernel ({@link Q8_0Kernels#dotVector})
 * splits every block into even and odd quants and sums its 8 lanes per block of one row; this sums a block of 16 rows
 * with one scale multiply.
 *
 * <p>Group layout, per block {@code b} of 32 weights, {@value #BLOCK_BYTES} bytes at
 * {@code (group * blocks + b) * BLOCK_BYTES}:
 * <pre>
 *    0  float d[16]           each row's d (from its F16)
 *   64  int8 qs[16][32]       step s, byte 2 r + t: row r's quant 2 s + t
 * </pre>
 * Per row the result is {@code sum_b d dx isum_b} with exact integer block sums, fused-multiply-added block by
 * block; it differs from the row kernel's (ggml's lane order) by float rounding only.
 */
public final class Q8_0RowGroups {

    private static final int ROWS = RowGroups.ROWS;
    /** Bytes of one group's block. */
    static final int BLOCK_BYTES = 64 + ROWS * Q8_0Kernels.BLOCK_SIZE;
    /** Blocks asked for at a time ({@link Prefetch}): a call per block would cost more than it saves. */
    private static final int PREFETCH_BLOCKS = 4;
    private static final int PREFETCH_BYTES = PREFETCH_BLOCKS * BLOCK_BYTES;
    private static final int QS = 64;

    private Q8_0RowGroups() {
    }

    /** Writes a {@code block_q8_0} ({@code in}) as row {@code r} of a group block ({@code out}). */
    static void pack(byte[] in, int r, byte[] out) {
        MemorySegment.ofArray(out).set(Bytes.FLOAT_LE, 4L * r, Bytes.f16(MemorySegment.ofArray(in), 0));
        for (int k = 0; k < Q8_0Kernels.BLOCK_SIZE; k++) {
            out[quantByte(r, k)] = in[2 + k];
        }
    }

    /** Byte offset (from the block) of row {@code r}'s quant {@code k}. */
    private static int quantByte(int r, int k) {
        return QS + 32 * (k / 2) + 2 * r + (k & 1);
    }

    /** Row {@code r}'s quant {@code k} in the group block at {@code in}. */
    static int quantAt(MemorySegment groups, long in, int r, int k) {
        return groups.get(ValueLayout.JAVA_BYTE, in + quantByte(r, k));
    }

    /** The scalar twin of {@link #dotGroup}: the same integer sums and fused multiply-adds, so the same floats. */
    static void dotGroupScalar(MemorySegment w, long offset, Q8Activation x, int n, float[] out, int outOff) {
        Bytes.checkBlocks(n, Q8_0Kernels.BLOCK_SIZE, "Q8_0");
        x.require(ActivationFormat.Q8_0, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        for (int r = 0; r < ROWS; r++) {
            float acc = 0f;
            for (int b = 0; b < n / Q8_0Kernels.BLOCK_SIZE; b++) {
                long in = offset + (long) b * BLOCK_BYTES;
                int isum = 0;
                for (int k = 0; k < Q8_0Kernels.BLOCK_SIZE; k++) {
                    isum += quantAt(w, in, r, k) * xq[Q8_0Kernels.BLOCK_SIZE * b + k];
                }
                acc = Math.fma((float) isum, w.get(Bytes.FLOAT_LE, in + 4L * r) * xd[b], acc);
            }
            out[outOff + r] = acc;
        }
    }

    /**
     * {@code out[outOff + r] = row r · x} for the 16 rows of the group at {@code offset}. Two steps' products add in
     * each 16-bit lane before it is widened: a quant times an activation quant (within [-127, 127]) is at most
     * 128 x 127, so two stay below 2^15. Every {@value #PREFETCH_BLOCKS} blocks ask for the next
     * {@value #PREFETCH_BLOCKS} ({@link Prefetch}): one token's product streams the group from memory.
     */
    public static void dotGroup(MemorySegment w, long offset, Q8Activation x, int n, float[] out, int outOff) {
        Bytes.checkBlocks(n, Q8_0Kernels.BLOCK_SIZE, "Q8_0");
        x.require(ActivationFormat.Q8_0, n);
        int[] xp = x.quantPairs();
        float[] xd = x.scales();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT_WIDE);
        for (int b = 0; b < n / Q8_0Kernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            if (b % PREFETCH_BLOCKS == 0) Prefetch.range(w, in + PREFETCH_BYTES, PREFETCH_BYTES);
            IntVector isum = IntVector.zero(GgmlLanes.INT_WIDE);
            for (int s = 0; s < 16; s += 2) {
                int i = 16 * b + s;
                ShortVector p = quants(w, in, s).mul(pair(xp[i])).add(quants(w, in, s + 1).mul(pair(xp[i + 1])));
                isum = widenAdd(isum, p);
            }
            FloatVector d = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE);
            acc = ((FloatVector) isum.convert(VectorOperators.I2F, 0)).fma(d.mul(xd[b]), acc);
        }
        acc.intoArray(out, outOff);
    }

    /**
     * {@link #dotGroup} for two activations at once, each giving the same floats to the bit as alone: the quants are
     * loaded and widened once for both.
     */
    public static void dotGroup2(MemorySegment w, long offset, Q8Activation x0, Q8Activation x1, int n,
                                 float[] out0, float[] out1, int outOff) {
        Bytes.checkBlocks(n, Q8_0Kernels.BLOCK_SIZE, "Q8_0");
        x0.require(ActivationFormat.Q8_0, n);
        x1.require(ActivationFormat.Q8_0, n);
        int[] p0 = x0.quantPairs();
        int[] p1 = x1.quantPairs();
        FloatVector acc0 = FloatVector.zero(GgmlLanes.FLOAT_WIDE);
        FloatVector acc1 = acc0;
        for (int b = 0; b < n / Q8_0Kernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            IntVector isum0 = IntVector.zero(GgmlLanes.INT_WIDE);
            IntVector isum1 = isum0;
            for (int s = 0; s < 16; s += 2) {
                int i = 16 * b + s;
                ShortVector q = quants(w, in, s);
                ShortVector r = quants(w, in, s + 1);
                isum0 = widenAdd(isum0, q.mul(pair(p0[i])).add(r.mul(pair(p0[i + 1]))));
                isum1 = widenAdd(isum1, q.mul(pair(p1[i])).add(r.mul(pair(p1[i + 1]))));
            }
            FloatVector d = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE);
            acc0 = ((FloatVector) isum0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.scales()[b]), acc0);
            acc1 = ((FloatVector) isum1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.scales()[b]), acc1);
        }
        acc0.intoArray(out0, outOff);
        acc1.intoArray(out1, outOff);
    }

    /**
     * Decodes the 16 rows of the group at {@code offset} to floats ({@code d * q}) for {@link DecodedGroup}: per block
     * {@code b}, position {@code p} of the order of {@link Q8Activation#laneFloats} (weight {@code 4 (p % 8) + p / 8}),
     * row {@code r} at {@code out[16 (32 b + p) + r]}: each weight of a row is the float
     * {@link UnpackedRow#unpack} gives it. A step's even quants (weights {@code 2s}) are the low 16-bit halves of its
     * int lanes, its odd ones (weights {@code 2s + 1}) the high halves; both land on 16 consecutive floats.
     */
    static void decode(MemorySegment w, long offset, int n, float[] out) {
        Bytes.checkBlocks(n, Q8_0Kernels.BLOCK_SIZE, "Q8_0");
        for (int b = 0; b < n / Q8_0Kernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE);
            for (int s = 0; s < 16; s++) {
                IntVector lanes = quants(w, in, s).reinterpretAsInts();
                // weight 2s + u sits at position 8 (2 (s % 2) + u) + s / 2
                int even = ROWS * (Q8_0Kernels.BLOCK_SIZE * b + 16 * (s % 2) + s / 2);
                ((FloatVector) lanes.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .convert(VectorOperators.I2F, 0)).mul(d).intoArray(out, even);
                ((FloatVector) lanes.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).mul(d)
                        .intoArray(out, even + 8 * ROWS);
            }
        }
    }

    /** Step {@code s} of the block at {@code in}: two quants of each row, sign-extended to 16-bit lanes. */
    private static ShortVector quants(MemorySegment w, long in, int s) {
        return (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_256, w, in + QS + 32L * s, LE)
                .convertShape(VectorOperators.B2S, GgmlLanes.SHORT_WIDE, 0);
    }

    /** An activation quant pair in every 32-bit lane. */
    private static ShortVector pair(int quants) {
        return IntVector.broadcast(GgmlLanes.INT_WIDE, quants).reinterpretAsShorts();
    }

    /**
     * {@code sums} plus both 16-bit halves of each int lane of {@code p}, sign-extended: {@link Simd#pairSum} added
     * in one step. Through that helper (two calls deep from here) the kernels grew past C2's inlining budget and
     * boxed their vectors (GenerationAllocationTest, 2026-11-27).
     */
    private static IntVector widenAdd(IntVector sums, ShortVector p) {
        IntVector lanes = p.reinterpretAsInts();
        return sums.add(lanes.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                .add(lanes.lanewise(VectorOperators.ASHR, 16));
    }
}
