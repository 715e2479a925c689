package dev.hearth.gguf.format;

import dev.hearth.api.model.ModelFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The metadata key-value pairs of a GGUF file, in file order. Values are stored as described in
 * {@link GgufValueType}. Typed getters convert where no information is lost and otherwise throw a
 * {@link GgufException} naming the key, the expected and the found type, and the position of the pair:
 * {@code model.gguf @0x2c: key 'llama.block_count': expected an integer, found STRING}.
 * The {@code optional...} variants return empty for a missing key but still throw for a wrong type.
 */
public final class GgufMetadata {

    /**
     * One key-value pair.
     *
     * @param offset byte position of the pair (its key's length field) in the file, or
     *               {@link ModelFileException#NO_OFFSET} for pairs not read from a file
     */
    public record Entry(String key, GgufValueType type, Object value, long offset) {
        public Entry {
            if (type == GgufValueType.ARRAY ? !(value instanceof GgufArray) : !scalarClass(type).isInstance(value)) {
                throw new IllegalArgumentException("key '" + key + "': a " + type + " value cannot be a "
                        + (value == null ? "null" : value.getClass().getSimpleName()));
            }
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;

    /**
     * @param file    the file the entries came from, named in messages (may be null)
     * @param entries the pairs in file order; keys must be distinct
     */
    public GgufMetadata(Path file, Collection<Entry> entries) {
        this.file = file;
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (map.putIfAbsent(e.key(), e) != null) {
                throw new IllegalArgumentException("duplicate key '" + e.key() + "'");
            }
        }
        this.entries = Collections.unmodifiableMap(map);
    }

    /** The Java class of a scalar of this type. */
    static Class<?> scalarClass(GgufValueType type) {
        return switch (type) {
            case INT8 -> Byte.class;
            case UINT8, INT16 -> Short.class;
            case UINT16, INT32 -> Integer.class;
            case UINT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
    }

    public boolean contains(String key) { return entries.containsKey(key); }

    /** The keys in file order. */
    public Set<String> keys() { return entries.keySet(); }

    public int size() { return entries.size(); }

    /** The pairs in file order. */
    public Collection<Entry> entries() { return entries.values(); }

    public Optional<Entry> entry(String key) { return Optional.ofNullable(entries.get(key)); }

    /** The raw value, stored as described in {@link GgufValueType}. */
    public Optional<Object> value(String key) { return entry(key).map(Entry::value); }

    /** The value's type tag, or empty if the key is missing. */
    public Optional<GgufValueType> typeOf(String key) { return entry(key).map(Entry::type); }

    /** Where the pair of {@code key} starts in the file, or {@link ModelFileException#NO_OFFSET}. */
    public long offsetOf(String key) {
        Entry e = entries.get(key);
        return e == null ? ModelFileException.NO_OFFSET : e.offset();
    }

    // ---- required values ----------------------------------------------------------------------------------

    public String getString(String key) throws GgufException { return string(require(key, "STRING")); }

    /** Any integer type whose value fits in an int. */
    public int getInt(String key) throws GgufException { return toInt(require(key, "an integer")); }

    /** Any integer type whose value fits in a long (UINT64 up to 2^63-1). */
    public long getLong(String key) throws GgufException { return toLong(require(key, "an integer")); }

    /** FLOAT32, or FLOAT64 narrowed. */
    public float getFloat(String key) throws GgufException { return (float) toDouble(require(key, "a float")); }

    /** FLOAT32 or FLOAT64. */
    public double getDouble(String key) throws GgufException { return toDouble(require(key, "a float")); }

    public boolean getBoolean(String key) throws GgufException { return bool(require(key, "BOOL")); }

    /** An array of STRING, as an unmodifiable list over the stored array (no copy). */
    public List<String> getStringArray(String key) throws GgufException {
        return stringArray(require(key, "an array of STRING"));
    }

    /** An array of FLOAT32 (or FLOAT64, narrowed), as a copy. */
    public float[] getFloatArray(String key) throws GgufException {
        return floatArray(require(key, "an array of FLOAT32"));
    }

    /** An array of any integer type whose values all fit in an int, as a copy. */
    public int[] getIntArray(String key) throws GgufException {
        return intArray(require(key, "an array of integers"));
    }

    /** An array of any element type. */
    public GgufArray getArray(String key) throws GgufException {
        Entry e = require(key, "ARRAY");
        if (e.value() instanceof GgufArray a) {
            return a;
        }
        throw wrongType(e, "ARRAY");
    }

    // ---- optional values: empty when missing, still strict about the type ---------------------------------

    public Optional<String> optionalString(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(string(e));
    }

    public OptionalInt optionalInt(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? OptionalInt.empty() : OptionalInt.of(toInt(e));
    }

    public OptionalLong optionalLong(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? OptionalLong.empty() : OptionalLong.of(toLong(e));
    }

    public Optional<Float> optionalFloat(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of((float) toDouble(e));
    }

    public Optional<Boolean> optionalBoolean(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(bool(e));
    }

    public Optional<List<String>> optionalStringArray(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(stringArray(e));
    }

    public Optional<float[]> optionalFloatArray(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(floatArray(e));
    }

    public Optional<int[]> optionalIntArray(String key) throws GgufException {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(intArray(e));
    }

    // ---- conversions --------------------------------------------------------------------------------------

    private Entry require(String key, String expected) throws GgufException {
        Entry e = entries.get(key);
        if (e == null) {
            throw new GgufException(file, ModelFileException.NO_OFFSET, item(key),
                    "required key is missing (expected " + expected + ")");
        }
        return e;
    }

    private GgufException wrongType(Entry e, String expected) {
        String found = e.value() instanceof GgufArray a ? "an array of " + a.elementType() : e.type().toString();
        return new GgufException(file, e.offset(), item(e.key()), "expected " + expected + ", found " + found);
    }

    private static String item(String key) {
        return "key '" + key + "'";
    }

    private String string(Entry e) throws GgufException {
        if (e.value() instanceof String s) {
            return s;
        }
        throw wrongType(e, "STRING");
    }

    private boolean bool(Entry e) throws GgufException {
        if (e.value() instanceof Boolean b) {
            return b;
        }
        throw wrongType(e, "BOOL");
    }

    private long toLong(Entry e) throws GgufException {
        if (!e.type().isInteger()) {
            throw wrongType(e, "an integer");
        }
        long v = ((Number) e.value()).longValue();
        if (e.type() == GgufValueType.UINT64 && v < 0) {
            throw new GgufException(file, e.offset(), item(e.key()),
                    "value " + Long.toUnsignedString(v) + " does not fit in a signed 64-bit integer");
        }
        return v;
    }

    private int toInt(Entry e) throws GgufException {
        long v = toLong(e);
        if (v != (int) v) {
            throw new GgufException(file, e.offset(), item(e.key()), "value " + v + " does not fit in int");
        }
        return (int) v;
    }

    private double toDouble(Entry e) throws GgufException {
        if (!e.type().isFloat()) {
            throw wrongType(e, "a float");
        }
        return ((Number) e.value()).doubleValue();
    }

    private List<String> stringArray(Entry e) throws GgufException {
        if (e.value() instanceof GgufArray a && a.values() instanceof String[] s) {
            return Collections.unmodifiableList(Arrays.asList(s));
        }
        throw wrongType(e, "an array of STRING");
    }

    private float[] floatArray(Entry e) throws GgufException {
        if (e.value() instanceof GgufArray a) {
            if (a.values() instanceof float[] f) {
                return f.clone();
            }
            if (a.values() instanceof double[] d) {
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                return f;
            }
        }
        throw wrongType(e, "an array of FLOAT32");
    }

    private int[] intArray(Entry e) throws GgufException {
        if (!(e.value() instanceof GgufArray a) || !a.elementType().isInteger()) {
            throw wrongType(e, "an array of integers");
        }
        if (a.values() instanceof int[] ints && a.elementType() == GgufValueType.INT32) {
            return ints.clone();
        }
        int[] out = new int[a.length()];
        for (int i = 0; i < out.length; i++) {
            long v = a.longAt(i);
            if (v != (int) v || (a.elementType() == GgufValueType.UINT64 && v < 0)) {
                throw new GgufException(file, e.offset(), item(e.key()), "element " + i + " = "
                        + (a.elementType() == GgufValueType.UINT64 ? Long.toUnsignedString(v) : v)
                        + " does not fit in int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    @Override
    public String toString() {
        return "GgufMetadata" + entries.keySet();
    }
}
