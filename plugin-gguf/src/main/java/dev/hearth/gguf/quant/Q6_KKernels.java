package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.i8;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * GGML_TYPE_Q6_K (id 14), {@code block_q6_K}, 210 bytes per 256 weights in 16 groups of 16:
 * <pre>
 *   0  uint8 ql[128]     low 4 bits
 * 128  uint8 qh[64]      high 2 bits
 * 192  int8 scales[16]   one signed scale per group of 16
 * 208  ggml_half d
 * </pre>
 * For half {@code h} (128 weights) and {@code l < 32}, with {@code L = ql + 64h}, {@code H = qh[32h + l]}:
 * weight {@code 128h + l} is {@code L[l] & 0xF | (H & 3) << 4}, {@code 128h + 32 + l} is
 * {@code L[32 + l] & 0xF | (H >> 2 & 3) << 4}, {@code 128h + 64 + l} is {@code L[l] >> 4 | (H >> 4 & 3) << 4},
 * {@code 128h + 96 + l} is {@code L[32 + l] >> 4 | (H >> 6) << 4}; each minus 32, times
 * {@code d * scales[e / 16]}. Dot against {@link ActivationFormat#Q8_K}.
 */
public final class Q6_KKernels {

    public static final int BLOCK_SIZE = 256;
    public static final int TYPE_SIZE = 210;

    private Q6_KKernels() {
    }

    /** Quant (-32..31) of weight {@code 128h + 32k + l} of the block. */
    static int quant(MemorySegment w, long block, int h, int k, int l) {
        int low = u8(w, block + 64 * h + 32 * (k & 1) + l);
        low = k < 2 ? low & 0xF : low >>> 4;
        int high = (u8(w, block + 128 + 32 * h + l) >>> (2 * k)) & 3;
        return (low | high << 4) - 32;
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q6_K");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block + 208);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 32; l++) {
                        int e = 128 * h + 32 * k + l;
                        dst[out + e] = d * i8(src, block + 192 + e / 16) * quant(src, block, h, k, l);
                    }
                }
            }
        }
    }

    /**
     * Dot product with a Q8_K activation in ggml's x86 order ({@link GgmlLanes}): per super-block, 8 integer lanes
     * (lane {@code k} takes weights {@code 4k .. 4k+3} of every 32-weight run, times their group's scale)
     * fused-multiply-added with {@code d_x * d} into 8 float accumulators, reduced as {@link GgmlLanes#hsum8}. The
     * order is fixed so that results match llama.cpp's on x86 to the bit; {@link #dotVector} computes exactly the
     * same.
     */
    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q6_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int a = BLOCK_SIZE * b;
            float d = xd[b] * f16(w, block + 208);
            a0 = Math.fma(d, (float) lane(w, block, xq, a, 0), a0);
            a1 = Math.fma(d, (float) lane(w, block, xq, a, 1), a1);
            a2 = Math.fma(d, (float) lane(w, block, xq, a, 2), a2);
            a3 = Math.fma(d, (float) lane(w, block, xq, a, 3), a3);
            a4 = Math.fma(d, (float) lane(w, block, xq, a, 4), a4);
            a5 = Math.fma(d, (float) lane(w, block, xq, a, 5), a5);
            a6 = Math.fma(d, (float) lane(w, block, xq, a, 6), a6);
            a7 = Math.fma(d, (float) lane(w, block, xq, a, 7), a7);
        }
        return GgmlLanes.hsum8(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /** Integer lane {@code j} of a super-block: weights {@code 4j .. 4j+3} of each 32-run times the group scale. */
    private static int lane(MemorySegment w, long block, byte[] xq, int a, int j) {
        int sum = 0;
        for (int h = 0; h < 2; h++) {
            for (int k = 0; k < 4; k++) {
                int run = 0;
                for (int l = 4 * j; l < 4 * j + 4; l++) {
                    run += quant(w, block, h, k, l) * xq[a + 128 * h + 32 * k + l];
                }
                sum += i8(w, block + 192 + 8 * h + 2 * k + j / 4) * run;
            }
        }
        return sum;
    }

    /**
     * {@link #dotScalar} with 256-bit vectors: each 32-run of quants is one byte vector (assembled in the 16-bit
     * view, as ggml does), whose int view holds ggml's 8 lanes. Takes 512-bit steps where {@link GgmlLanes#WIDE}
     * ({@link #dotVector512}), runs the scalar twin when {@link Simd#BITS} is below 256.
     */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        if (GgmlLanes.WIDE) {
            return dotVector512(w, wOffset, x, n);
        }
        return GgmlLanes.VECTOR ? dotVector256(w, wOffset, x, n) : dotScalar(w, wOffset, x, n);
    }

    /** {@link #dotVector} in 256-bit steps, one 32-run each. */
    static float dotVector256(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q6_K");
        x.require(ActivationFormat.Q8_K, n);
        float[] xd = x.scales();
        short[] xe = x.evens();
        short[] xo = x.odds();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT);
        // One 32-run per iteration and few scalar reads: C2 stops inlining the vector calls once the method graph
        // grows large (NodeCountInliningCutoff) or deep (MaxInlineLevel), and then boxes every vector.
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            long sc0 = w.get(Bytes.LONG_LE, block + 192);
            long sc1 = w.get(Bytes.LONG_LE, block + 200);
            IntVector isum = IntVector.zero(GgmlLanes.INT);
            for (int run = 0; run < 8; run++) {
                int h = run >> 2;
                int k = run & 3;
                // ---- 32 quants: 4 low bits | 2 high bits << 4, minus 32 (shifts in 16 bits, masks per byte)
                ShortVector low = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 64 * h + 32 * (k & 1), LE)
                        .reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and((short) 0x0F0F);
                ShortVector high = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 128 + 32 * h, LE)
                        .reinterpretAsShorts().lanewise(VectorOperators.LSHR, 2 * k).and((short) 0x0303);
                ShortVector q = low.or(high.lanewise(VectorOperators.LSHL, 4)).reinterpretAsBytes().sub((byte) 32)
                        .reinterpretAsShorts();
                // ---- times the activation, per ggml lane, times the group scale (lanes 0-3 and 4-7)
                ShortVector p = GgmlLanes.products(GgmlLanes.even(q), GgmlLanes.odd(q), xe, xo,
                        (BLOCK_SIZE * b + 32 * run) / 2);
                long sc = h == 0 ? sc0 : sc1;
                IntVector scales = IntVector.broadcast(GgmlLanes.INT, (byte) (sc >>> (16 * k)))
                        .blend((byte) (sc >>> (16 * k + 8)), GgmlLanes.UPPER);
                isum = isum.add(GgmlLanes.pairSumNarrow(p).mul(scales));
            }
            float d = xd[b] * Float.float16ToFloat(w.get(Bytes.SHORT_LE, block + 208));
            acc = GgmlLanes.accumulate(isum, d, acc);
        }
        return GgmlLanes.hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5),
                acc.lane(6), acc.lane(7));
    }

    /** Short lanes 0-15 of a 512-bit vector times 4, lanes 16-31 times 1: a left shift by 2 of the first run only. */
    private static final ShortVector FIRST_RUN_SHL2 = ShortVector.broadcast(GgmlLanes.SHORT_WIDE, (short) 1)
            .blend((short) 4, VectorMask.fromLong(GgmlLanes.SHORT_WIDE, 0xFFFFL));
    /** Copies short lanes 0-15 (and 16-31) of a 512-bit vector into both halves: one half's high bits for two runs. */
    private static final VectorShuffle<Short> FIRST_HALF_TWICE = VectorShuffle.fromOp(GgmlLanes.SHORT_WIDE, i -> i & 15);
    private static final VectorShuffle<Short> SECOND_HALF_TWICE =
            VectorShuffle.fromOp(GgmlLanes.SHORT_WIDE, i -> 16 + (i & 15));
    /**
     * Group scale bytes {@code s .. s + 3} (at 192 + s: the two runs of a 512-bit step) four times each, for
     * {@code s = 2 (4h + k)} = 0, 4, 8, 12: int lanes 4g .. 4g + 3 take scale {@code s + g}.
     */
    private static final VectorShuffle<Byte> SCALES_0 = fourScales(0);
    private static final VectorShuffle<Byte> SCALES_4 = fourScales(4);
    private static final VectorShuffle<Byte> SCALES_8 = fourScales(8);
    private static final VectorShuffle<Byte> SCALES_12 = fourScales(12);

    private static VectorShuffle<Byte> fourScales(int s) {
        return VectorShuffle.fromOp(ByteVector.SPECIES_128, i -> s + i / 4);
    }

    /**
     * {@link #dotVector256} in 512-bit steps: one step takes the 32-runs {@code (h, k)} and {@code (h, k + 1)} for
     * even {@code k}, whose low bits are 64 consecutive bytes with the same nibble, whose high bits are the same 32
     * bytes shifted by {@code 2k} and {@code 2k + 2}, and whose activations are 64 consecutive quants. Int lanes 0-7
     * belong to the first run and 8-15 to the second; the halves are added once per super-block (exact integers),
     * so the float steps see the same 8 lanes.
     */
    static float dotVector512(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q6_K");
        x.require(ActivationFormat.Q8_K, n);
        float[] xd = x.scales();
        short[] xe = x.evens();
        short[] xo = x.odds();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT_WIDE); // lanes 8-15 repeat lanes 0-7
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            // the high bits of both halves: qh bytes 0-31 (h = 0) and 32-63 (h = 1)
            ShortVector qh = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, block + 128, LE).reinterpretAsShorts();
            // the 16 signed group scales, spread to the int lanes of each step by one byte shuffle each
            ByteVector scs = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, block + 192, LE);
            IntVector isum = IntVector.zero(GgmlLanes.INT_WIDE);
            for (int pair = 0; pair < 4; pair++) {
                int h = pair >> 1;
                int k = 2 * (pair & 1);
                ShortVector low = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, block + 64 * h, LE)
                        .reinterpretAsShorts().lanewise(VectorOperators.LSHR, 2 * k).and((short) 0x0F0F);
                ShortVector high = qh.rearrange(h == 0 ? FIRST_HALF_TWICE : SECOND_HALF_TWICE).mul(FIRST_RUN_SHL2)
                        .lanewise(VectorOperators.LSHR, 2 * k + 2).and((short) 0x0303);
                ShortVector q = low.or(high.lanewise(VectorOperators.LSHL, 4)).reinterpretAsBytes().sub((byte) 32)
                        .reinterpretAsShorts();
                int i = 128 * b + 64 * h + 16 * k;
                IntVector p = q.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8)
                        .mul(ShortVector.fromArray(GgmlLanes.SHORT_WIDE, xe, i))
                        .add(q.lanewise(VectorOperators.ASHR, 8).mul(ShortVector.fromArray(GgmlLanes.SHORT_WIDE, xo, i)))
                        .reinterpretAsInts();
                // group scales of the two runs: 4 lanes each, bytes 192 + 2 run .. 192 + 2 run + 3
                IntVector scales = (IntVector) scs.rearrange(switch (pair) {
                    case 0 -> SCALES_0;
                    case 1 -> SCALES_4;
                    case 2 -> SCALES_8;
                    default -> SCALES_12;
                }).convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                isum = isum.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(scales));
            }
            float d = xd[b] * Float.float16ToFloat(w.get(Bytes.SHORT_LE, block + 208));
            FloatVector lanes = (FloatVector) isum.add(isum.rearrange(GgmlLanes.SWAP_STEPS))
                    .convert(VectorOperators.I2F, 0);
            acc = lanes.fma(FloatVector.broadcast(GgmlLanes.FLOAT_WIDE, d), acc);
        }
        return GgmlLanes.hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5),
                acc.lane(6), acc.lane(7));
    }

    /** Float lanes 4..7: ggml lanes whose weights lie in the second 16-weight group of a 32-run. */
    private static final VectorMask<Float> UPPER_GROUP = VectorMask.fromLong(GgmlLanes.FLOAT, 0xF0);

    /**
     * Decodes a row for {@link UnpackedRow}: per super-block the 256 weights {@code (q - 32) * scale} as floats in
     * lane order (float {@code 8s + k} is weight {@code 32 (s / 4) + 4k + s % 4}: in the int view of the quant bytes,
     * lane {@code k} holds positions {@code 4k .. 4k+3} of a 32-run, one per byte) and {@code d}.
     */
    static void unpack(MemorySegment w, long wOffset, int n, UnpackedRow row) {
        float[] out = row.weights;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            for (int run = 0; run < 8; run++) {
                int h = run >> 2;
                int k = run & 3;
                IntVector low = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 64 * h + 32 * (k & 1), LE)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHR, 4 * (k >> 1));
                IntVector high = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 128 + 32 * h, LE)
                        .reinterpretAsInts().lanewise(VectorOperators.LSHR, 2 * k);
                // lanes 0-3 take weights 0..15 of the run (scale group 2 run), lanes 4-7 weights 16..31
                FloatVector scale = FloatVector.broadcast(GgmlLanes.FLOAT, i8(w, block + 192 + 2 * run))
                        .blend(i8(w, block + 192 + 2 * run + 1), UPPER_GROUP);
                int at = BLOCK_SIZE * b + 32 * run;
                for (int t = 0; t < 4; t++) {
                    IntVector q = low.lanewise(VectorOperators.LSHR, 8 * t).and(0xF)
                            .or(high.lanewise(VectorOperators.LSHR, 8 * t).and(3).lanewise(VectorOperators.LSHL, 4))
                            .sub(32);
                    GgmlLanes.toFloat(q).mul(scale).intoArray(out, at + 8 * t);
                }
            }
            row.d[b] = f16(w, block + 208);
        }
    }
}
