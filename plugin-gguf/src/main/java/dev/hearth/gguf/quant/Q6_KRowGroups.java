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
 * Q6_K rows repacked in groups of 16, as {@link Q4_KRowGroups} does for Q4_K: an int lane is a row, an
 * activation pair is broadcast to all 16 rows, products of the quants (minus 32) sum in 16-bit lanes over a
 * 16-weight sub-block (at most 8 products of 32 x 127 a lane), then the row's two lanes widened and added (their
 * sum does not fit 16 bits) and one multiply by the rows' signed scales.
 *
 * <p>Group layout, per super-block {@code b} of 256 weights, {@value #BLOCK_BYTES} bytes at
 * {@code (group * superBlocks + b) * BLOCK_BYTES}:
 * <pre>
 *    0  float d[16]              each row's d (from its F16)
 *   64  int8 scales[16][16]      sub-block s (16 weights), row r at 16 s + r
 *  320  per sub-block s, 192 bytes at 320 + 192 s:
 *         low[2][64]             32 16-bit lanes each; lane l is row l / 2, its nibble t (bits 4t..4t+3) holds the
 *                                low 4 bits of the quant of weight 16 s + 2 (4 z + t) + l % 2
 *         high[64]               32 16-bit lanes; bits 2u..2u+1 of lane l hold the top 2 bits of weight
 *                                16 s + 2 u + l % 2
 * </pre>
 * Per row the result is {@code sum_b d dx isum_b}, fused-multiply-added super-block by super-block: it differs from
 * the row kernel's (ggml's lane order) by float rounding only.
 */
public final class Q6_KRowGroups {

    private static final int ROWS = RowGroups.ROWS;
    static final int BLOCK_BYTES = 3392;
    static final int SCALES = 64;
    private static final int QS = 320;
    private static final int SUB_BYTES = 192;

    private Q6_KRowGroups() {
    }

    /** Writes a {@code block_q6_K} ({@code in}) as row {@code r} of a zeroed group super-block ({@code out}). */
    static void pack(byte[] in, int r, byte[] out) {
        MemorySegment.ofArray(out).set(Bytes.FLOAT_LE, 4L * r, Bytes.f16(MemorySegment.ofArray(in), 208));
        for (int s = 0; s < 16; s++) out[SCALES + 16 * s + r] = in[192 + s];
        // each 16-bit lane whole. Lane 2 r + p of sub-block s holds weights 16 s + 2 u + p (u < 8): weight
        // 128 h + 32 g + l has the low nibble of ql[64 h + 32 (g % 2) + l] (the high one for g >= 2) and bits 2 g of
        // qh[32 h + l], so within a lane h and g are fixed and l steps by 2
        for (int sub = 0; sub < 16; sub++) {
            int h = sub / 8;
            int g = (sub % 8) / 2;
            int lowShift = g < 2 ? 0 : 4;
            for (int p = 0; p < 2; p++) {
                int l = 16 * (sub % 2) + p;
                int low = 64 * h + 32 * (g & 1) + l;
                int high = 128 + 32 * h + l;
                int low0 = 0;
                int low1 = 0;
                int top = 0;
                for (int t = 0; t < 4; t++) {
                    low0 |= (in[low + 2 * t] >>> lowShift & 0xF) << 4 * t;
                    low1 |= (in[low + 2 * (4 + t)] >>> lowShift & 0xF) << 4 * t;
                }
                for (int u = 0; u < 8; u++) top |= (in[high + 2 * u] >>> 2 * g & 3) << 2 * u;
                int at = QS + SUB_BYTES * sub + 2 * (2 * r + p);
                Bytes.putShortLE(out, at, low0);
                Bytes.putShortLE(out, at + 64, low1);
                Bytes.putShortLE(out, at + 128, top);
            }
        }
    }

    /** Row {@code r}'s quant {@code k} (-32..31) in the group super-block at {@code in}. */
    static int quantAt(MemorySegment groups, long in, int r, int k) {
        int lane = 2 * r + (k & 1);
        int u = (k % 16) / 2;
        long sub = in + QS + SUB_BYTES * (k / 16);
        int low = (groups.get(ValueLayout.JAVA_BYTE, sub + 64 * (u / 4) + 2 * lane + (u % 4) / 2) >>> (4 * (u % 2))) & 0xF;
        int high = (groups.get(ValueLayout.JAVA_BYTE, sub + 128 + 2 * lane + u / 4) >>> (2 * (u % 4))) & 3;
        return (low | high << 4) - 32;
    }

    /** The scalar twin of {@link #dotGroup}: the same integer sums and fused multiply-adds, the same floats. */
    static void dotGroupScalar(MemorySegment w, long offset, Q8Activation x, int n, float[] out, int outOff) {
        Bytes.checkBlocks(n, Q6_KKernels.BLOCK_SIZE, "Q6_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        for (int r = 0; r < ROWS; r++) {
            float acc = 0f;
            for (int b = 0; b < n / Q6_KKernels.BLOCK_SIZE; b++) {
                long in = offset + (long) b * BLOCK_BYTES;
                int isum = 0;
                for (int s = 0; s < 16; s++) {
                    int sub = 0;
                    for (int k = 16 * s; k < 16 * s + 16; k++) sub += quantAt(w, in, r, k) * xq[256 * b + k];
                    isum += sub * w.get(ValueLayout.JAVA_BYTE, in + SCALES + 16 * s + r);
                }
                acc = Math.fma((float) isum, w.get(Bytes.FLOAT_LE, in + 4L * r) * xd[b], acc);
            }
            out[outOff + r] = acc;
        }
    }

    /**
     * {@code out[outOff + r] = row r · x} for the 16 rows of the group at {@code offset}. Each super-block asks
     * for the next one ({@link Prefetch}): one token's product streams the group from memory.
     */
    public static void dotGroup(MemorySegment w, long offset, Q8Activation x, int n, float[] out, int outOff) {
        Bytes.checkBlocks(n, Q6_KKernels.BLOCK_SIZE, "Q6_K");
        x.require(ActivationFormat.Q8_K, n);
        int[] xp = x.quantPairs();
        float[] xd = x.scales();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT_WIDE);
        for (int b = 0; b < n / Q6_KKernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            Prefetch.range(w, in + BLOCK_BYTES, BLOCK_BYTES); // the next step's bytes
            IntVector isum = IntVector.zero(GgmlLanes.INT_WIDE);
            for (int s = 0; s < 16; s++) {
                long at = in + QS + SUB_BYTES * s;
                ShortVector high = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, at + 128, LE).reinterpretAsShorts();
                ShortVector sub = ShortVector.zero(GgmlLanes.SHORT_WIDE);
                for (int z = 0; z < 2; z++) {
                    ShortVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, at + 64 * z, LE)
                            .reinterpretAsShorts();
                    // the top bits of step u = 4z + t come to bits 4..5: shifted by 4 - 2u
                    ShortVector h = z == 0 ? high : high.lanewise(VectorOperators.LSHR, 8);
                    int i = 128 * b + 8 * s + 4 * z;
                    sub = sub.add(q.and((short) 0xF).or(h.lanewise(VectorOperators.LSHL, 4).and((short) 0x30))
                                    .sub((short) 32)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i]).reinterpretAsShorts()))
                            .add(q.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                                    .or(h.lanewise(VectorOperators.LSHL, 2).and((short) 0x30)).sub((short) 32)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i + 1]).reinterpretAsShorts()))
                            .add(q.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).or(h.and((short) 0x30))
                                    .sub((short) 32)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i + 2]).reinterpretAsShorts()))
                            .add(q.lanewise(VectorOperators.LSHR, 12)
                                    .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 0x30)).sub((short) 32)
                                    .mul(IntVector.broadcast(GgmlLanes.INT_WIDE, xp[i + 3]).reinterpretAsShorts()));
                }
                // GgmlLanes.pairSum written out: through the helper the kernels grew past C2's inlining budget
                // and boxed (GenerationAllocationTest)
                IntVector pairs = sub.reinterpretAsInts();
                IntVector rows = pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(pairs.lanewise(VectorOperators.ASHR, 16));
                IntVector scales = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, in + SCALES + 16 * s, LE)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                isum = isum.add(rows.mul(scales));
            }
            FloatVector d = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE);
            acc = ((FloatVector) isum.convert(VectorOperators.I2F, 0)).fma(d.mul(xd[b]), acc);
        }
        acc.intoArray(out, outOff);
    }

    /** {@link #dotGroup} for two activations at once, each the same floats to the bit as alone. */
    public static void dotGroup2(MemorySegment w, long offset, Q8Activation x0, Q8Activation x1, int n,
                                 float[] out0, float[] out1, int outOff) {
        Bytes.checkBlocks(n, Q6_KKernels.BLOCK_SIZE, "Q6_K");
        x0.require(ActivationFormat.Q8_K, n);
        x1.require(ActivationFormat.Q8_K, n);
        int[] p0 = x0.quantPairs();
        int[] p1 = x1.quantPairs();
        FloatVector acc0 = FloatVector.zero(GgmlLanes.FLOAT_WIDE);
        FloatVector acc1 = acc0;
        for (int b = 0; b < n / Q6_KKernels.BLOCK_SIZE; b++) {
            long in = offset + (long) b * BLOCK_BYTES;
            IntVector isum0 = IntVector.zero(GgmlLanes.INT_WIDE);
            IntVector isum1 = isum0;
            for (int s = 0; s < 16; s++) {
                long at = in + QS + SUB_BYTES * s;
                ShortVector high = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, at + 128, LE).reinterpretAsShorts();
                ShortVector sub0 = ShortVector.zero(GgmlLanes.SHORT_WIDE);
                ShortVector sub1 = sub0;
                for (int z = 0; z < 2; z++) {
                    ShortVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, at + 64 * z, LE)
                            .reinterpretAsShorts();
                    ShortVector h = z == 0 ? high : high.lanewise(VectorOperators.LSHR, 8);
                    ShortVector w0 = q.and((short) 0xF).or(h.lanewise(VectorOperators.LSHL, 4).and((short) 0x30))
                            .sub((short) 32);
                    ShortVector w1 = q.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                            .or(h.lanewise(VectorOperators.LSHL, 2).and((short) 0x30)).sub((short) 32);
                    ShortVector w2 = q.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).or(h.and((short) 0x30))
                            .sub((short) 32);
                    ShortVector w3 = q.lanewise(VectorOperators.LSHR, 12)
                            .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 0x30)).sub((short) 32);
                    int i = 128 * b + 8 * s + 4 * z;
                    sub0 = sub0.add(w0.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i]).reinterpretAsShorts()))
                            .add(w1.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i + 1]).reinterpretAsShorts()))
                            .add(w2.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i + 2]).reinterpretAsShorts()))
                            .add(w3.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p0[i + 3]).reinterpretAsShorts()));
                    sub1 = sub1.add(w0.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i]).reinterpretAsShorts()))
                            .add(w1.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i + 1]).reinterpretAsShorts()))
                            .add(w2.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i + 2]).reinterpretAsShorts()))
                            .add(w3.mul(IntVector.broadcast(GgmlLanes.INT_WIDE, p1[i + 3]).reinterpretAsShorts()));
                }
                IntVector scales = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, in + SCALES + 16 * s, LE)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                IntVector r0 = sub0.reinterpretAsInts();
                isum0 = isum0.add(r0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(r0.lanewise(VectorOperators.ASHR, 16)).mul(scales));
                IntVector r1 = sub1.reinterpretAsInts();
                isum1 = isum1.add(r1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(r1.lanewise(VectorOperators.ASHR, 16)).mul(scales));
            }
            FloatVector d = FloatVector.fromMemorySegment(GgmlLanes.FLOAT_WIDE, w, in, LE);
            acc0 = ((FloatVector) isum0.convert(VectorOperators.I2F, 0)).fma(d.mul(x0.scales()[b]), acc0);
            acc1 = ((FloatVector) isum1.convert(VectorOperators.I2F, 0)).fma(d.mul(x1.scales()[b]), acc1);
        }
        acc0.intoArray(out0, outOff);
        acc1.intoArray(out1, outOff);
    }
}
