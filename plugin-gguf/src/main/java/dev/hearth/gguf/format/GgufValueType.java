package dev.hearth.gguf.format;

import java.util.Optional;

/**
 * The type tag of a GGUF metadata value ({@code gguf_type}), in id order, with the byte width of fixed-size
 * types. Java representation of a value of each type, as {@link GgufMetadata} stores it:
 *
 * <pre>
 *  id  type     bytes  scalar value          array storage ({@link GgufArray#values()})
 *   0  UINT8      1    Short (widened)       byte[]   (raw bits)
 *   1  INT8       1    Byte                  byte[]
 *   2  UINT16     2    Integer (widened)     short[]  (raw bits)
 *   3  INT16      2    Short                 short[]
 *   4  UINT32     4    Long (widened)        int[]    (raw bits)
 *   5  INT32      4    Integer               int[]
 *   6  FLOAT32    4    Float                 float[]
 *   7  BOOL       1    Boolean               boolean[]
 *   8  STRING     8+n  String                String[]
 *   9  ARRAY     12+   GgufArray             GgufArray[] (nested arrays)
 *  10  UINT64     8    Long (raw bits)       long[]   (raw bits)
 *  11  INT64      8    Long                  long[]
 *  12  FLOAT64    8    Double                double[]
 * </pre>
 *
 * Unsigned scalars are widened so their value is exact, except UINT64, which is kept in a {@code long}: values
 * from 2^63 up read as negative there, and {@link GgufMetadata#getLong} refuses them.
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, -1),
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    /** The on-disk id. */
    public int id() { return id; }

    /** Bytes of one value, or -1 for the variable-size STRING and ARRAY. */
    public int size() { return size; }

    /** The smallest number of bytes one value of this type can take in a file. */
    public int minSize() {
        return switch (this) {
            case STRING -> 8;    // uint64 length, no bytes
            case ARRAY -> 12;    // uint32 element type + uint64 count
            default -> size;
        };
    }

    /** Whether this is one of the eight integer types. */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** Whether this is an unsigned integer type. */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** Whether this is FLOAT32 or FLOAT64. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type with this id, or empty for an unknown id. */
    public static Optional<GgufValueType> byId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[id]) : Optional.empty();
    }
}
