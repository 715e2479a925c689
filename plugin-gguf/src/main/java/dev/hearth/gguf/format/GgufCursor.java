package dev.hearth.gguf.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A little-endian read position over a mapped GGUF file. Every read first checks that the bytes exist, and every
 * length or count is checked against the bytes left before anything is allocated, so corrupt input ends in a
 * {@link GgufException} naming the item being read, never in an {@link OutOfMemoryError} or an index exception.
 */
final class GgufCursor {

    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The largest Java array this reader allocates for one string or array. */
    static final int MAX_JAVA_ARRAY = Integer.MAX_VALUE - 16;

    /** How deep arrays of arrays may nest; deeper input is refused rather than risking the stack. */
    static final int MAX_ARRAY_DEPTH = 8;

    private final Path file;
    private final MemorySegment seg;
    private final long size;
    private final CharsetDecoder strictUtf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] scratch = new byte[256];
    private long pos;

    GgufCursor(Path file, MemorySegment seg) {
        this.file = file;
        this.seg = seg;
        this.size = seg.byteSize();
    }

    long position() { return pos; }

    void position(long p) { pos = p; }

    long size() { return size; }

    long remaining() { return size - pos; }

    Path file() { return file; }

    GgufException error(long at, String item, String problem) {
        return new GgufException(file, at, item, problem);
    }

    /** Ensures {@code n} more bytes exist for {@code field}. */
    void need(long n, String item, String field) throws GgufException {
        if (n > remaining()) {
            throw error(pos, item, "file truncated: " + field + " needs " + n + " bytes, only "
                    + remaining() + " left (file size " + size + ")");
        }
    }

    int u8(String item, String field) throws GgufException {
        need(1, item, field);
        return Byte.toUnsignedInt(seg.get(U8, pos++));
    }

    short u16(String item, String field) throws GgufException {
        need(2, item, field);
        short v = seg.get(U16, pos);
        pos += 2;
        return v;
    }

    /** A uint32 or int32, as raw bits. */
    int u32(String item, String field) throws GgufException {
        need(4, item, field);
        int v = seg.get(U32, pos);
        pos += 4;
        return v;
    }

    /** A uint64 or int64, as raw bits. */
    long u64(String item, String field) throws GgufException {
        need(8, item, field);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    float f32(String item, String field) throws GgufException {
        need(4, item, field);
        float v = seg.get(F32, pos);
        pos += 4;
        return v;
    }

    double f64(String item, String field) throws GgufException {
        need(8, item, field);
        double v = seg.get(F64, pos);
        pos += 8;
        return v;
    }

    boolean bool(String item, String field) throws GgufException {
        long at = pos;
        return toBool(u8(item, field), at, item);
    }

    private boolean toBool(int b, long at, String item) throws GgufException {
        if (b > 1) {
            throw error(at, item, "bool value " + b + " is neither 0 nor 1");
        }
        return b == 1;
    }

    /**
     * A count read from the file ({@code uint64}) that announces {@code count} items of at least
     * {@code minItemSize} bytes each: checked against the bytes left and against Java's array limit.
     */
    long count(String item, String field, int minItemSize) throws GgufException {
        long at = pos;
        long n = u64(item, field);
        if (n < 0 || n > remaining() / minItemSize) {
            throw error(at, item, field + " " + Long.toUnsignedString(n) + " needs at least "
                    + (n < 0 ? "2^63" : Long.toUnsignedString(n)) + " x " + minItemSize
                    + " bytes, but only " + remaining() + " are left in the file (truncated or corrupt)");
        }
        if (n > MAX_JAVA_ARRAY) {
            throw error(at, item, field + " " + n + " is larger than this reader supports (" + MAX_JAVA_ARRAY + ")");
        }
        return n;
    }

    /** A {@code gguf_string}: {@code uint64 len}, then {@code len} bytes of UTF-8 without terminator. */
    String string(String item, String field, boolean strict) throws GgufException {
        long at = pos;
        int len = (int) count(item, field + " length", 1);
        if (len > scratch.length) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        MemorySegment.copy(seg, U8, pos, scratch, 0, len);
        pos += len;
        if (!strict || isAscii(scratch, len)) {
            return new String(scratch, 0, len, StandardCharsets.UTF_8);
        }
        try {
            return strictUtf8.decode(ByteBuffer.wrap(scratch, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw error(at, item, field + " is not valid UTF-8");
        }
    }

    private static boolean isAscii(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** A value of {@code type}, stored as {@link GgufValueType} documents. */
    Object value(GgufValueType type, String item, int depth) throws GgufException {
        return switch (type) {
            case UINT8 -> (short) u8(item, "uint8 value");
            case INT8 -> (byte) u8(item, "int8 value");
            case UINT16 -> Short.toUnsignedInt(u16(item, "uint16 value"));
            case INT16 -> u16(item, "int16 value");
            case UINT32 -> Integer.toUnsignedLong(u32(item, "uint32 value"));
            case INT32 -> u32(item, "int32 value");
            case FLOAT32 -> f32(item, "float32 value");
            case BOOL -> bool(item, "bool value");
            case STRING -> string(item, "string value", false);
            case ARRAY -> array(item, depth);
            case UINT64 -> u64(item, "uint64 value");
            case INT64 -> u64(item, "int64 value");
            case FLOAT64 -> f64(item, "float64 value");
        };
    }

    /** A value type tag ({@code uint32}), refused by id when unknown. */
    GgufValueType valueType(String item, String field) throws GgufException {
        long at = pos;
        int id = u32(item, field);
        return GgufValueType.byId(id).orElseThrow(() -> error(at, item,
                "unknown " + field + " id " + Integer.toUnsignedString(id) + " (known: 0..12)"));
    }

    /** An array: {@code uint32 element_type}, {@code uint64 count}, then the elements. */
    GgufArray array(String item, int depth) throws GgufException {
        long at = pos;
        if (depth >= MAX_ARRAY_DEPTH) {
            throw error(at, item, "arrays nested more than " + MAX_ARRAY_DEPTH + " deep");
        }
        GgufValueType type = valueType(item, "array element type");   // uint32 element_type
        int n = (int) count(item, "array count", type.minSize());      // uint64 count
        Object values = switch (type) {
            case UINT8, INT8 -> copy(new byte[n], U8, n);
            case UINT16, INT16 -> copy(new short[n], U16, n);
            case UINT32, INT32 -> copy(new int[n], U32, n);
            case UINT64, INT64 -> copy(new long[n], U64, n);
            case FLOAT32 -> copy(new float[n], F32, n);
            case FLOAT64 -> copy(new double[n], F64, n);
            case BOOL -> bools(n, item);
            case STRING -> strings(n, item);
            case ARRAY -> arrays(n, item, depth);
        };
        return new GgufArray(type, values);
    }

    private Object copy(Object dst, ValueLayout layout, int n) {
        // the count was checked against the bytes left, so this copy stays inside the mapping
        MemorySegment.copy(seg, layout, pos, dst, 0, n);
        pos += n * layout.byteSize();
        return dst;
    }

    private boolean[] bools(int n, String item) throws GgufException {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            long at = pos;
            out[i] = toBool(Byte.toUnsignedInt(seg.get(U8, pos++)), at, item);
        }
        return out;
    }

    private String[] strings(int n, String item) throws GgufException {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = string(item, "string element " + i, false);
        }
        return out;
    }

    private GgufArray[] arrays(int n, String item, int depth) throws GgufException {
        GgufArray[] out = new GgufArray[n];
        for (int i = 0; i < n; i++) {
            out[i] = array(item, depth + 1);
        }
        return out;
    }
}
