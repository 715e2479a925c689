package dev.hearth.gguf.convert;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.gguf.quantize.RowSource;

/**
 * The tensors of a Hugging Face checkpoint for conversion: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}, each mapped read-only once. A small reader of its own so the GGUF plugin
 * needs no other plugin at run time.
 *
 * <p>SafeTensors layout: {@code uint64 header_size} (little endian), a JSON header of that many bytes mapping
 * tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the end of the
 * header) plus an optional {@code __metadata__} of strings, then the data. Tied weights saved once appear in
 * {@code __metadata__} as {@code "dropped name": "stored name"}; {@link #entry} resolves them.
 */
public final class SafetensorsSource implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** One stored tensor: row-major {@code shape} (outermost first) of {@code dtype} at {@code data}. */
    public record Entry(Path file, String name, String dtype, long[] shape, MemorySegment data) {

        public long elementCount() {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        /** Rows of the innermost dimension read as floats, row {@code perm[r]} for output row r (null: identity). */
        public RowSource rows(int[] perm) {
            int n = (int) shape[shape.length - 1];
            ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            return (row, dst) -> {
                long r = perm == null ? row : perm[(int) row];
                switch (dtype) {
                    case "F32" -> MemorySegment.copy(data, f32, r * n * 4, dst, 0, n);
                    case "F16" -> {
                        for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(data.get(s16, (r * n + i) * 2));
                    }
                    case "BF16" -> {
                        for (int i = 0; i < n; i++) {
                            dst[i] = Float.intBitsToFloat((data.get(s16, (r * n + i) * 2) & 0xFFFF) << 16);
                        }
                    }
                    default -> throw new IllegalStateException("dtype " + dtype);
                }
            };
        }
    }

    private final Arena arena;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    private SafetensorsSource(Arena arena) {
        this.arena = arena;
    }

    /** Opens the folder's checkpoint: the index when present, else {@code model.safetensors}. */
    public static SafetensorsSource open(Path folder) throws IOException {
        Arena arena = Arena.ofShared();
        SafetensorsSource src = new SafetensorsSource(arena);
        try {
            Path index = folder.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) {
                JsonObject map = parse(index).getAsJsonObject().getAsJsonObject("weight_map");
                if (map == null) throw new ConversionException(index, "weight_map", "missing");
                TreeSet<String> shards = new TreeSet<>();
                map.entrySet().forEach(e -> shards.add(e.getValue().getAsString()));
                for (String shard : shards) {
                    Path f = folder.resolve(shard);
                    if (!Files.isRegularFile(f)) {
                        throw new ConversionException(index, "weight_map", "shard '" + shard + "' does not exist");
                    }
                    src.read(f);
                }
                for (var e : map.entrySet()) {
                    if (!src.entries.containsKey(e.getKey())) {
                        throw new ConversionException(index, "weight_map." + e.getKey(),
                                "shard '" + e.getValue().getAsString() + "' has no such tensor");
                    }
                }
            } else {
                Path single = folder.resolve(SINGLE_FILE);
                if (!Files.isRegularFile(single)) {
                    throw new ConversionException(folder, SINGLE_FILE, "missing: the folder has neither "
                            + SINGLE_FILE + " nor " + INDEX_FILE);
                }
                src.read(single);
            }
            return src;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static JsonElement parse(Path file) throws IOException {
        try {
            return JsonParser.parseString(Files.readString(file));
        } catch (RuntimeException e) {
            throw new ConversionException(file, "", "not valid JSON: " + e.getMessage(), e);
        }
    }

    private void read(Path file) throws IOException {
        MemorySegment map;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            map = ch.size() == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
        long size = map.byteSize();
        if (size < 8) throw new ConversionException(file, "header_size", "file of " + size + " bytes is truncated");
        long headerSize = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0); // uint64 header_size
        if (headerSize < 2 || headerSize > size - 8 || headerSize > 100_000_000) {
            throw new ConversionException(file, "header_size", headerSize + " does not fit the file of " + size + " bytes");
        }
        byte[] hb = map.asSlice(8, headerSize).toArray(ValueLayout.JAVA_BYTE);
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(hb, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ConversionException(file, "header", "not a JSON object: " + e.getMessage(), e);
        }
        long dataStart = 8 + headerSize;
        long dataSize = size - dataStart;
        for (var kv : header.entrySet()) {
            String name = kv.getKey();
            if (name.equals("__metadata__")) {
                if (kv.getValue().isJsonObject()) {
                    kv.getValue().getAsJsonObject().entrySet().forEach(m -> {
                        if (m.getValue().isJsonPrimitive()) aliases.put(m.getKey(), m.getValue().getAsString());
                    });
                }
                continue;
            }
            JsonObject t = kv.getValue().getAsJsonObject();
            String dtype = t.get("dtype").getAsString();
            var shapeJson = t.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeJson.get(i).getAsLong();
            var offs = t.getAsJsonArray("data_offsets");
            long begin = offs.get(0).getAsLong();
            long end = offs.get(1).getAsLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw new ConversionException(file, "tensor '" + name + "'", "data_offsets [" + begin + ", " + end
                        + "] outside the data of " + dataSize + " bytes");
            }
            Entry e = new Entry(file, name, dtype, shape, map.asSlice(dataStart + begin, end - begin));
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                default -> 0;
            };
            if (width > 0 && e.elementCount() * width != end - begin) {
                throw new ConversionException(file, "tensor '" + name + "'", "data_offsets give " + (end - begin)
                        + " bytes for shape " + java.util.Arrays.toString(shape) + " of " + dtype);
            }
            if (entries.putIfAbsent(name, e) != null) {
                throw new ConversionException(file, "tensor '" + name + "'", "stored twice");
            }
        }
    }

    /** The tensor stored under {@code name} or under the name it is an alias of. */
    public Optional<Entry> entry(String name) {
        Entry e = entries.get(name);
        if (e == null && aliases.containsKey(name)) e = entries.get(aliases.get(name));
        return Optional.ofNullable(e);
    }

    /** The stored names, in file order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public void close() {
        arena.close();
    }
}
