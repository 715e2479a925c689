package dev.hearth.gguf.format;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * A GGUF array value: {@code uint32 element_type}, {@code uint64 count}, then the elements. Stored as one Java
 * array of the element type's storage class (see {@link GgufValueType}): primitive arrays for numbers and
 * booleans (unsigned types keep their raw bits), {@code String[]} for strings, {@code GgufArray[]} for nested
 * arrays. Equality compares contents. The arrays are not copied: treat them as read-only.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        Class<?> expected = storageClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException("a " + elementType + " array is stored as "
                    + expected.getSimpleName() + ", not " + values.getClass().getSimpleName());
        }
    }

    public static GgufArray ofStrings(String... values) { return new GgufArray(GgufValueType.STRING, values); }

    public static GgufArray ofFloats(float... values) { return new GgufArray(GgufValueType.FLOAT32, values); }

    public static GgufArray ofInts(int... values) { return new GgufArray(GgufValueType.INT32, values); }

    public static GgufArray ofArrays(GgufArray... values) { return new GgufArray(GgufValueType.ARRAY, values); }

    /** The Java array class that holds elements of {@code type}. */
    public static Class<?> storageClass(GgufValueType type) {
        return switch (type) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public int length() {
        return Array.getLength(values);
    }

    /** Element {@code i} boxed as a scalar of {@link #elementType()} would be (unsigned types widened). */
    public Object get(int i) {
        return switch (elementType) {
            case UINT8 -> (short) Byte.toUnsignedInt(((byte[]) values)[i]);
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> Short.toUnsignedInt(((short[]) values)[i]);
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            case FLOAT32 -> ((float[]) values)[i];
            case FLOAT64 -> ((double[]) values)[i];
            case BOOL -> ((boolean[]) values)[i];
            case STRING -> ((String[]) values)[i];
            case ARRAY -> ((GgufArray[]) values)[i];
        };
    }

    /**
     * Integer element {@code i} as a long, honouring signedness (UINT64 keeps its raw bits).
     *
     * @throws IllegalStateException if this is not an integer array
     */
    public long longAt(int i) {
        return switch (elementType) {
            case UINT8 -> Byte.toUnsignedLong(((byte[]) values)[i]);
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> Short.toUnsignedLong(((short[]) values)[i]);
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            default -> throw new IllegalStateException("not an integer array: " + elementType);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && a.elementType == elementType
                && Arrays.deepEquals(new Object[] {values}, new Object[] {a.values});
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
    }

    /** {@code STRING[32000]}: the type and length, not the contents. */
    @Override
    public String toString() {
        return elementType + "[" + length() + "]";
    }
}
