package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian, unaligned reads of block fields; GGUF data is little endian. */
final class Bytes {

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Bytes() {
    }

    /** An IEEE half ({@code ggml_half}) as float. */
    static float f16(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(SHORT_LE, offset));
    }

    static void putF16(MemorySegment s, long offset, float value) {
        s.set(SHORT_LE, offset, Float.floatToFloat16(value));
    }

    /** Rounds a float to the nearest half and back, as a value stored in a {@code ggml_half} reads back. */
    static float roundToF16(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }

    /** Writes the low 16 bits of {@code value} little-endian to {@code out[at, at + 2)} (a packed 16-bit lane). */
    static void putShortLE(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
    }

    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    static int i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    static int i32(MemorySegment s, long offset) {
        return s.get(INT_LE, offset);
    }

    static void checkBlocks(int n, int blockSize, String type) {
        if (n < 0 || n % blockSize != 0) {
            throw new IllegalArgumentException(type + ": row length " + n + " is not a multiple of " + blockSize);
        }
    }
}
