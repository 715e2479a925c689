package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Test fixtures: random blocks of every type, and an independent reference decoder that reads one weight at
 * a time straight from the layout tables (in double, sharing no code with the kernels).
 */
final class KernelFixtures {

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KernelFixtures() {
    }

    /** Random floats N(0, sigma). */
    static float[] gaussian(Random rnd, int n, double sigma) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return x;
    }

    /**
     * {@code rows} rows of {@code n} random weights of {@code type} starting at byte {@code prefix} of the
     * returned segment: every quant bit random, the scale fields sane random values.
     */
    static MemorySegment randomRows(QuantType type, int rows, int n, long prefix, Random rnd) {
        long rowBytes = type.rowBytes(n);
        byte[] bytes = new byte[(int) (prefix + rows * rowBytes)];
        rnd.nextBytes(bytes);
        MemorySegment s = MemorySegment.ofArray(bytes);
        int blocks = rows * (n / type.blockSize());
        for (int b = 0; b < blocks; b++) {
            long at = prefix + (long) b * type.typeSize();
            switch (type) {
                case F32 -> s.set(FLOAT, at, (float) rnd.nextGaussian());
                case F16 -> s.set(SHORT, at, Float.floatToFloat16((float) rnd.nextGaussian()));
                case BF16 -> s.set(SHORT, at, GgmlQuantizer.toBF16((float) rnd.nextGaussian()));
                case Q4_0, Q5_0, Q8_0 -> half(s, at, scale(rnd));
                case Q4_1, Q5_1 -> {
                    half(s, at, scale(rnd));
                    half(s, at + 2, scale(rnd));
                }
                case Q2_K -> {
                    half(s, at + 80, scale(rnd));
                    half(s, at + 82, scale(rnd));
                }
                case Q3_K -> half(s, at + 108, scale(rnd));
                case Q4_K, Q5_K -> {
                    half(s, at, scale(rnd));
                    half(s, at + 2, scale(rnd));
                }
                case Q6_K -> half(s, at + 208, scale(rnd));
                case Q8_K -> s.set(FLOAT, at, scale(rnd));
            }
        }
        return s;
    }

    private static float scale(Random rnd) {
        return (float) ((rnd.nextBoolean() ? 1 : -1) * (0.5 + rnd.nextDouble()) * 1e-2);
    }

    private static void half(MemorySegment s, long at, float v) {
        s.set(SHORT, at, Float.floatToFloat16(v));
    }

    // ---------------------------------------------------------------- independent reference decoder

    /** Weight {@code i} of the row starting at byte {@code row}, computed in double from the layout tables. */
    static double reference(QuantType type, MemorySegment s, long row, int i) {
        long blk = row + (long) (i / type.blockSize()) * type.typeSize();
        int e = i % type.blockSize();
        return switch (type) {
            case F32 -> s.get(FLOAT, row + 4L * i);
            case F16 -> Float.float16ToFloat(s.get(SHORT, row + 2L * i));
            case BF16 -> Float.intBitsToFloat((s.get(SHORT, row + 2L * i) & 0xFFFF) << 16);
            case Q8_0 -> h(s, blk) * s.get(ValueLayout.JAVA_BYTE, blk + 2 + e);
            case Q4_0 -> h(s, blk) * (nibble(s, blk + 2, e) - 8);
            case Q4_1 -> h(s, blk) * nibble(s, blk + 4, e) + h(s, blk + 2);
            case Q5_0 -> h(s, blk) * ((nibble(s, blk + 6, e) | bit(s.get(INT, blk + 2), e) << 4) - 16);
            case Q5_1 -> h(s, blk) * (nibble(s, blk + 8, e) | bit(s.get(INT, blk + 4), e) << 4) + h(s, blk + 2);
            case Q2_K -> q2k(s, blk, e);
            case Q3_K -> q3k(s, blk, e);
            case Q4_K -> q45k(s, blk, e, false);
            case Q5_K -> q45k(s, blk, e, true);
            case Q6_K -> q6k(s, blk, e);
            case Q8_K -> (double) s.get(FLOAT, blk) * s.get(ValueLayout.JAVA_BYTE, blk + 4 + e);
        };
    }

    static double[] referenceRow(QuantType type, MemorySegment s, long row, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = reference(type, s, row, i);
        }
        return out;
    }

    private static double h(MemorySegment s, long at) {
        return Float.float16ToFloat(s.get(SHORT, at));
    }

    private static int u8(MemorySegment s, long at) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at));
    }

    private static int bit(int word, int i) {
        return (word >>> i) & 1;
    }

    /** Type-0/1 32-blocks: weight e &lt; 16 is the low nibble of byte e, weight e &gt;= 16 the high nibble of e - 16. */
    private static int nibble(MemorySegment s, long qs, int e) {
        int b = u8(s, qs + e % 16);
        return e < 16 ? b & 15 : b >> 4;
    }

    /** 2-bit field of the K-quants' qs: 32 bytes per 128 weights, 4 fields per byte from the low bits. */
    private static int crumb(MemorySegment s, long qs, int e) {
        return (u8(s, qs + 32 * (e / 128) + e % 32) >> (2 * ((e / 32) % 4))) & 3;
    }

    private static double q2k(MemorySegment s, long blk, int e) {
        int sc = u8(s, blk + e / 16);
        return h(s, blk + 80) * (sc & 15) * crumb(s, blk + 16, e) - h(s, blk + 82) * (sc >> 4);
    }

    private static double q3k(MemorySegment s, long blk, int e) {
        // the 12 scale bytes as three little-endian words, unpacked into 16 six-bit values (ggml's aux[] way)
        long w0 = Integer.toUnsignedLong(s.get(INT, blk + 96));
        long w1 = Integer.toUnsignedLong(s.get(INT, blk + 100));
        long w2 = Integer.toUnsignedLong(s.get(INT, blk + 104));
        long[] aux = {
            (w0 & 0x0f0f0f0fL) | (((w2) & 0x03030303L) << 4),
            (w1 & 0x0f0f0f0fL) | (((w2 >> 2) & 0x03030303L) << 4),
            ((w0 >> 4) & 0x0f0f0f0fL) | (((w2 >> 4) & 0x03030303L) << 4),
            ((w1 >> 4) & 0x0f0f0f0fL) | (((w2 >> 6) & 0x03030303L) << 4),
        };
        int g = e / 16;
        int scale = (int) ((aux[g / 4] >> (8 * (g % 4))) & 0xFF) - 32;
        int hbit = (u8(s, blk + e % 32) >> (e / 32)) & 1;
        int q = crumb(s, blk + 32, e) - (hbit == 1 ? 0 : 4);
        return h(s, blk + 108) * scale * q;
    }

    private static double q45k(MemorySegment s, long blk, int e, boolean fiveBit) {
        int j = e / 32;
        int[] sb = new int[12];
        for (int i = 0; i < 12; i++) {
            sb[i] = u8(s, blk + 4 + i);
        }
        // six-bit scale and min of sub-block j, bit fields spelled out
        int scale;
        int min;
        if (j < 4) {
            scale = sb[j] & 0b111111;
            min = sb[j + 4] & 0b111111;
        } else {
            scale = (sb[j + 4] & 0b1111) + 16 * (sb[j - 4] >> 6);
            min = (sb[j + 4] >> 4) + 16 * (sb[j] >> 6);
        }
        long qs = blk + (fiveBit ? 48 : 16);
        int b = u8(s, qs + 32 * (e / 64) + e % 32);
        int q = (e % 64) < 32 ? b & 15 : b >> 4;
        if (fiveBit) {
            q += 16 * ((u8(s, blk + 16 + e % 32) >> j) & 1);
        }
        return h(s, blk) * scale * q - h(s, blk + 2) * min;
    }

    private static double q6k(MemorySegment s, long blk, int e) {
        int half = e / 128;
        int run = (e % 128) / 32;
        int l = e % 32;
        int lowByte = u8(s, blk + 64 * half + 32 * (run % 2) + l);
        int low = run < 2 ? lowByte & 15 : lowByte >> 4;
        int high = (u8(s, blk + 128 + 32 * half + l) >> (2 * run)) & 3;
        int scale = s.get(ValueLayout.JAVA_BYTE, blk + 192 + e / 16);
        return h(s, blk + 208) * scale * ((low | high << 4) - 32);
    }

    // ---------------------------------------------------------------- measures

    /** Normalised mean squared error: sum (a - ref)^2 / sum ref^2. */
    static double nmse(double[] a, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - ref[i]) * (a[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        return den == 0 ? num : num / den;
    }
}
