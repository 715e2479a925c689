package dev.hearth.gguf.writer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufArray;
import dev.hearth.gguf.format.GgufHeader;
import dev.hearth.gguf.format.GgufMetadata;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.GgufTensorInfo;
import dev.hearth.gguf.format.GgufValueType;
import dev.hearth.gguf.format.Shape;

/**
 * Writes a GGUF version 3 file the way llama.cpp's {@code gguf_write_to_file} lays it out, streaming the tensor
 * data so that models larger than memory can be written.
 *
 * <h2>What is written</h2>
 * <ol>
 *   <li>Header: {@code uint32 magic "GGUF"}, {@code uint32 version = 3}, {@code uint64 tensor_count},
 *       {@code uint64 metadata_kv_count}.</li>
 *   <li>The metadata pairs in the order they were put: {@code gguf_string key}, {@code uint32 value_type}, the
 *       value (arrays: {@code uint32 element_type}, {@code uint64 count}, elements; nested arrays and string
 *       arrays included).</li>
 *   <li>The tensor infos in declaration order: {@code gguf_string name}, {@code uint32 n_dims},
 *       {@code int64 ne[n_dims]}, {@code uint32 type}, {@code uint64 offset}. Offsets are computed up front from
 *       the declared shapes and types: each tensor starts at the next multiple of the alignment.</li>
 *   <li>Zero padding to the alignment ({@code general.alignment} when put, else 32), then the data section: each
 *       tensor's bytes followed by zero padding to the alignment (also after the last one, as llama.cpp does). A
 *       file without tensors ends after the infos.</li>
 * </ol>
 *
 * <h2>Streaming and atomicity</h2>
 * {@link #write} asks a {@link GgufTensorData} for one tensor at a time, into an off-heap buffer of that tensor's
 * size, and appends it. The file is written under a temporary name in the target folder and renamed at the end;
 * on any failure the temporary file is deleted, so a failed write never leaves a half-written output.
 *
 * <p>Not thread-safe; one writer describes one file.
 */
public final class GgufWriter {

    /** The GGUF version written. */
    public static final int VERSION = 3;

    /** The alignment llama.cpp uses when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;

    private final Map<String, GgufMetadata.Entry> metadata = new LinkedHashMap<>();
    private final List<Declared> tensors = new ArrayList<>();
    private final Map<String, Integer> tensorIndex = new LinkedHashMap<>();

    private record Declared(String name, GgmlType type, Shape shape) {}

    // ---- metadata ---------------------------------------------------------------------------------------------

    /**
     * Puts a pair, replacing an existing one of the same key at its position. Values use the Java representation
     * of {@link GgufValueType} (e.g. UINT32 as {@code Long}).
     *
     * @throws IllegalArgumentException if the value does not fit the type
     */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        GgufMetadata.Entry e = new GgufMetadata.Entry(key, type, value, ModelFileException.NO_OFFSET);
        if (key.equals(GgufNames.ALIGNMENT)) {
            checkAlignment(((Number) value).longValue());
        }
        metadata.put(key, e);
        return this;
    }

    /** Removes a pair and appends it at the end again, as llama.cpp's {@code gguf_set_*} does for a set key. */
    public GgufWriter putLast(String key, GgufValueType type, Object value) {
        metadata.remove(key);
        return put(key, type, value);
    }

    public GgufWriter putString(String key, String value) { return put(key, GgufValueType.STRING, value); }

    public GgufWriter putU32(String key, long value) { return put(key, GgufValueType.UINT32, value); }

    public GgufWriter putI32(String key, int value) { return put(key, GgufValueType.INT32, value); }

    public GgufWriter putF32(String key, float value) { return put(key, GgufValueType.FLOAT32, value); }

    public GgufWriter putBool(String key, boolean value) { return put(key, GgufValueType.BOOL, value); }

    public GgufWriter putArray(String key, GgufArray value) { return put(key, GgufValueType.ARRAY, value); }

    /** Copies every pair of {@code source}, in its order. */
    public GgufWriter putAll(GgufMetadata source) {
        for (GgufMetadata.Entry e : source.entries()) {
            put(e.key(), e.type(), e.value());
        }
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** The pairs as they will be written. */
    public GgufMetadata metadata() {
        return new GgufMetadata(null, metadata.values());
    }

    /** {@code general.alignment}, or 32. */
    public int alignment() {
        GgufMetadata.Entry e = metadata.get(GgufNames.ALIGNMENT);
        return e == null ? DEFAULT_ALIGNMENT : (int) ((Number) e.value()).longValue();
    }

    private static void checkAlignment(long a) {
        if (a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw new IllegalArgumentException(GgufNames.ALIGNMENT + ": " + a + " is not a power of two");
        }
    }

    // ---- tensors ----------------------------------------------------------------------------------------------

    /**
     * Declares a tensor; its data is asked for in declaration order.
     *
     * @param shape ggml order, innermost dimension first (1 to 4 dimensions)
     * @throws IllegalArgumentException for a duplicate name, a bad rank, or a row that is not a whole number of
     *                                  the type's blocks
     */
    public GgufWriter tensor(String name, GgmlType type, Shape shape) {
        if (tensorIndex.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' declared twice");
        }
        if (shape.rank() < 1 || shape.rank() > 4) {
            throw new IllegalArgumentException("tensor '" + name + "': " + shape.rank() + " dimensions (1..4 allowed)");
        }
        if (type.isWithdrawn() || type.blockSize() == 0 || shape.dim(0) % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': rows of " + shape.dim(0)
                    + " elements are not a whole number of " + type + " blocks");
        }
        tensorIndex.put(name, tensors.size());
        tensors.add(new Declared(name, type, shape));
        return this;
    }

    /** The tensor infos as they will be written: offsets relative to the data section, infoOffset unknown (-1). */
    public List<GgufTensorInfo> tensorInfos() {
        int alignment = alignment();
        List<GgufTensorInfo> out = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Declared d : tensors) {
            GgufTensorInfo info = new GgufTensorInfo(d.name(), d.type(), d.shape(), offset, -1);
            out.add(info);
            offset = align(offset + info.byteSize(), alignment);
        }
        return out;
    }

    // ---- writing ----------------------------------------------------------------------------------------------

    /**
     * Writes the file: to a temporary name beside {@code target}, renamed to {@code target} at the end (replacing
     * it). On failure nothing is left behind.
     *
     * @param data produces each tensor's bytes; may be null when no tensors are declared
     */
    public void write(Path target, GgufTensorData data) throws IOException {
        AtomicOutput.write(target, ch -> writeTo(ch, data));
    }

    /** Writes the file at the channel's current position (0 for a new file). */
    public void writeTo(FileChannel ch, GgufTensorData data) throws IOException {
        List<GgufTensorInfo> infos = tensorInfos();
        if (!infos.isEmpty() && data == null) {
            throw new IllegalArgumentException("tensors are declared but no data producer is given");
        }
        int alignment = alignment();
        LeBuffer head = new LeBuffer();
        head.u32(GgufHeader.MAGIC);                              // uint32 magic
        head.u32(VERSION);                                       // uint32 version
        head.u64(infos.size());                                  // uint64 tensor_count
        head.u64(metadata.size());                               // uint64 metadata_kv_count
        for (GgufMetadata.Entry e : metadata.values()) {
            head.string(e.key());                                // gguf_string key
            head.u32(e.type().id());                             // uint32 value_type
            value(head, e.type(), e.value());                    // value
        }
        for (GgufTensorInfo t : infos) {
            head.string(t.name());                               // gguf_string name
            head.u32(t.shape().rank());                          // uint32 n_dims
            for (long d : t.shape().dims()) {
                head.u64(d);                                     // int64 ne[n_dims]
            }
            head.u32(t.type().id());                             // uint32 type
            head.u64(t.offset());                                // uint64 offset
        }
        if (!infos.isEmpty()) {
            head.pad(alignment);                                 // padding to the data section
        }
        writeFully(ch, head.toBuffer());
        for (GgufTensorInfo t : infos) {
            long size = t.byteSize();
            long padded = align(size, alignment);
            try (Arena arena = Arena.ofShared()) {
                MemorySegment seg = arena.allocate(Math.max(1, padded), 64).fill((byte) 0);
                data.write(t, seg.asSlice(0, size));
                for (long off = 0; off < padded; off += 1L << 30) {
                    writeFully(ch, seg.asSlice(off, Math.min(1L << 30, padded - off)).asByteBuffer());
                }
            }
        }
    }

    static long align(long pos, int alignment) {
        return (pos + alignment - 1) / alignment * alignment;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void value(LeBuffer out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8 -> out.u8(((Number) v).intValue());
            case UINT16, INT16 -> out.u16(((Number) v).intValue());
            case UINT32, INT32 -> out.u32(((Number) v).intValue());
            case UINT64, INT64 -> out.u64(((Number) v).longValue());
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) v));
            case BOOL -> out.u8((Boolean) v ? 1 : 0);
            case STRING -> out.string((String) v);
            case ARRAY -> array(out, (GgufArray) v);
        }
    }

    private static void array(LeBuffer out, GgufArray a) {
        out.u32(a.elementType().id());                           // uint32 element_type
        out.u64(a.length());                                     // uint64 count
        Object values = a.values();
        switch (a.elementType()) {
            case UINT8, INT8 -> { for (byte b : (byte[]) values) out.u8(b); }
            case UINT16, INT16 -> { for (short s : (short[]) values) out.u16(s); }
            case UINT32, INT32 -> { for (int i : (int[]) values) out.u32(i); }
            case UINT64, INT64 -> { for (long l : (long[]) values) out.u64(l); }
            case FLOAT32 -> { for (float f : (float[]) values) out.u32(Float.floatToRawIntBits(f)); }
            case FLOAT64 -> { for (double d : (double[]) values) out.u64(Double.doubleToRawLongBits(d)); }
            case BOOL -> { for (boolean b : (boolean[]) values) out.u8(b ? 1 : 0); }
            case STRING -> { for (String s : (String[]) values) out.string(s); }
            case ARRAY -> { for (GgufArray n : (GgufArray[]) values) array(out, n); }
        }
    }

    /** A growable little-endian byte buffer for the header, metadata and infos. */
    private static final class LeBuffer {
        private byte[] buf = new byte[1 << 16];
        private int size;

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void u8(int v) { ensure(1); buf[size++] = (byte) v; }

        void u16(int v) { ensure(2); buf[size++] = (byte) v; buf[size++] = (byte) (v >>> 8); }

        void u32(int v) {
            ensure(4);
            for (int i = 0; i < 4; i++) buf[size++] = (byte) (v >>> (8 * i));
        }

        void u64(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) buf[size++] = (byte) (v >>> (8 * i));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);                                       // uint64 length, then the bytes
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void pad(int alignment) {
            while (size % alignment != 0) u8(0);
        }

        ByteBuffer toBuffer() { return ByteBuffer.wrap(buf, 0, size).order(ByteOrder.LITTLE_ENDIAN); }
    }
}
