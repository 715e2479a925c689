package dev.hearth.gguf.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds GGUF files in memory so tests make their own fixtures: header, key-value pairs of every type (nested
 * and string arrays included) and tensors laid out at the alignment, with deterministic data. Values use the
 * Java representation {@link GgufValueType} documents (any {@link Number} is accepted for numeric types).
 *
 * <p>{@link #build()} records where each field landed, so corruption tests can patch exact bytes:
 * {@code magic}, {@code version}, {@code tensor_count}, {@code kv_count}, {@code kv:KEY} (the pair's start,
 * i.e. its key length), {@code kv:KEY:type}, {@code kv:KEY:value}, {@code tensor:NAME} (the info's start),
 * {@code tensor:NAME:n_dims}, {@code tensor:NAME:ne}, {@code tensor:NAME:type}, {@code tensor:NAME:offset},
 * {@code tensor:NAME:data} (absolute) and {@code data} (start of the data section).
 */
final class GgufTestWriter {

    private record Kv(String key, GgufValueType type, Object value) {}

    private record Tensor(String name, GgmlType type, long[] dims) {}

    private int magic = GgufHeader.MAGIC;
    private int version = 3;
    private int alignment = 32;
    private final List<Kv> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, Integer> marks = new HashMap<>();

    GgufTestWriter magic(int m) { magic = m; return this; }

    GgufTestWriter version(int v) { version = v; return this; }

    /** Writes {@code general.alignment} as UINT32 and lays tensors out with it. */
    GgufTestWriter alignment(int a) {
        alignment = a;
        return kv(GgufNames.ALIGNMENT, GgufValueType.UINT32, (long) a);
    }

    GgufTestWriter kv(String key, GgufValueType type, Object value) {
        kvs.add(new Kv(key, type, value));
        return this;
    }

    GgufTestWriter string(String key, String value) { return kv(key, GgufValueType.STRING, value); }

    GgufTestWriter u32(String key, long value) { return kv(key, GgufValueType.UINT32, value); }

    GgufTestWriter i32(String key, int value) { return kv(key, GgufValueType.INT32, value); }

    GgufTestWriter f32(String key, float value) { return kv(key, GgufValueType.FLOAT32, value); }

    GgufTestWriter bool(String key, boolean value) { return kv(key, GgufValueType.BOOL, value); }

    GgufTestWriter array(String key, GgufArray value) { return kv(key, GgufValueType.ARRAY, value); }

    GgufTestWriter tensor(String name, GgmlType type, long... dims) {
        tensors.add(new Tensor(name, type, dims.clone()));
        return this;
    }

    /** Byte position of a field recorded by the last {@link #build()}. */
    int mark(String name) {
        Integer at = marks.get(name);
        if (at == null) {
            throw new IllegalArgumentException("no mark " + name + "; marks: " + marks.keySet());
        }
        return at;
    }

    /** The data byte at {@code i} of a tensor: a pattern that differs between tensors. */
    static byte dataByte(String tensor, long i) {
        return (byte) (i * 31 + tensor.hashCode());
    }

    byte[] build() {
        marks.clear();
        Out out = new Out();
        marks.put("magic", out.size());
        out.u32(magic);                                          // uint32 magic
        marks.put("version", out.size());
        out.u32(version);                                        // uint32 version
        marks.put("tensor_count", out.size());
        out.u64(tensors.size());                                 // uint64 tensor_count
        marks.put("kv_count", out.size());
        out.u64(kvs.size());                                     // uint64 metadata_kv_count
        for (Kv kv : kvs) {
            marks.put("kv:" + kv.key(), out.size());
            out.string(kv.key());                                // gguf_string key
            marks.put("kv:" + kv.key() + ":type", out.size());
            out.u32(kv.type().id());                             // uint32 value_type
            marks.put("kv:" + kv.key() + ":value", out.size());
            value(out, kv.type(), kv.value());                   // value
        }
        long[] offsets = new long[tensors.size()];
        long dataSize = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            offsets[i] = GgufParser.align(dataSize, alignment);
            dataSize = offsets[i] + t.type().bytesFor(Shape.of(t.dims()).elementCount());
            String m = "tensor:" + t.name();
            marks.put(m, out.size());
            out.string(t.name());                                // gguf_string name
            marks.put(m + ":n_dims", out.size());
            out.u32(t.dims().length);                            // uint32 n_dims
            marks.put(m + ":ne", out.size());
            for (long d : t.dims()) {
                out.u64(d);                                      // int64 ne[n_dims]
            }
            marks.put(m + ":type", out.size());
            out.u32(t.type().id());                              // uint32 type
            marks.put(m + ":offset", out.size());
            out.u64(offsets[i]);                                 // uint64 offset
        }
        if (tensors.isEmpty()) {
            marks.put("data", out.size());
            return out.toArray();   // like llama.cpp's vocabulary files: no padding after the metadata
        }
        while (out.size() % alignment != 0) {
            out.u8(0);                                           // padding
        }
        int data = out.size();
        marks.put("data", data);
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            while (out.size() < data + offsets[i]) {
                out.u8(0);
            }
            marks.put("tensor:" + t.name() + ":data", out.size());
            long n = t.type().bytesFor(Shape.of(t.dims()).elementCount());
            for (long b = 0; b < n; b++) {
                out.u8(dataByte(t.name(), b));
            }
        }
        return out.toArray();
    }

    private static void value(Out out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8 -> out.u8(((Number) v).intValue());
            case UINT16, INT16 -> out.u16(((Number) v).intValue());
            case UINT32, INT32 -> out.u32(((Number) v).intValue());
            case UINT64, INT64 -> out.u64(((Number) v).longValue());
            case FLOAT32 -> out.u32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case BOOL -> out.u8((Boolean) v ? 1 : 0);
            case STRING -> out.string((String) v);
            case ARRAY -> array(out, (GgufArray) v);
        }
    }

    private static void array(Out out, GgufArray a) {
        out.u32(a.elementType().id());                           // uint32 element_type
        out.u64(a.length());                                     // uint64 count
        for (int i = 0; i < a.length(); i++) {
            switch (a.elementType()) {
                case UINT8, INT8 -> out.u8(((byte[]) a.values())[i]);
                case UINT16, INT16 -> out.u16(((short[]) a.values())[i]);
                case UINT32, INT32 -> out.u32(((int[]) a.values())[i]);
                default -> value(out, a.elementType(), a.get(i));
            }
        }
    }

    /** A growable little-endian byte buffer. */
    private static final class Out {
        private byte[] buf = new byte[1024];
        private int size;

        int size() { return size; }

        void u8(int v) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) v;
        }

        void u16(int v) { u8(v); u8(v >>> 8); }

        void u32(int v) { u16(v); u16(v >>> 16); }

        void u64(long v) { u32((int) v); u32((int) (v >>> 32)); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            for (byte x : b) {
                u8(x);
            }
        }

        byte[] toArray() { return Arrays.copyOf(buf, size); }
    }

    // ---- patching helpers for corruption tests ------------------------------------------------------------

    static void putU32(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putU64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    static long getU64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }
}
