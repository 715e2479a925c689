package dev.hearth.safetensors.format;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import dev.hearth.api.model.VerificationReport.Problem;
import dev.hearth.api.model.VerificationReport.Severity;

/**
 * The header of a SafeTensors file. Layout:
 * <ol>
 *   <li>{@code uint64 header_length}, little endian: the number of bytes of JSON that follow;</li>
 *   <li>{@code header_length} bytes of UTF-8 JSON, an object starting with <code>{</code> and possibly padded with
 *       spaces, mapping each tensor name to {@code {"dtype": "F16", "shape": [32000, 256],
 *       "data_offsets": [begin, end]}}, plus an optional {@code "__metadata__"} object of string values;</li>
 *   <li>the data section: the tensors' bytes, {@code [begin, end)} relative to its start, row-major, little
 *       endian, contiguous (each tensor starts where the one before ends, the first at 0, the last ending at the
 *       end of the file).</li>
 * </ol>
 * Every number is checked before use: the header length against the file and {@link #MAX_HEADER_LENGTH}, each
 * tensor's byte range against its dtype and shape, the ranges against each other and the data section.
 *
 * @param file         the file read
 * @param headerLength the JSON header's length in bytes
 * @param fileSize     the file's size in bytes
 * @param entries      the tensors, in data order
 * @param metadata     {@code __metadata__}, in file order
 */
public record SafetensorsHeader(Path file, long headerLength, long fileSize, List<SafetensorsEntry> entries,
        Map<String, String> metadata) {

    /** Largest header accepted (the reference implementation's limit is 100 MB too). */
    public static final long MAX_HEADER_LENGTH = 100_000_000L;
    public static final String METADATA = "__metadata__";

    public SafetensorsHeader {
        entries = List.copyOf(entries);
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** File offset of the data section: 8 + header length. */
    public long dataStart() { return 8 + headerLength; }

    /** Bytes in the data section. */
    public long dataSize() { return fileSize - dataStart(); }

    public Optional<SafetensorsEntry> entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** Receives problems: strict reading throws at the first, verification collects them all. */
    @FunctionalInterface
    interface Sink {
        void report(long offset, String item, String message) throws SafetensorsException;
    }

    /**
     * Reads and checks the header, failing at the first problem.
     *
     * @throws SafetensorsException naming the file, offset and field
     */
    public static SafetensorsHeader read(SeekableByteChannel channel, Path file) throws IOException {
        return read(channel, file, (offset, item, message) -> {
            throw new SafetensorsException(file, offset, item, message);
        });
    }

    /**
     * Checks the header and reports every problem found; problems that leave nothing to check further (a bad
     * header length, malformed JSON) end the list.
     */
    public static List<Problem> verify(SeekableByteChannel channel, Path file) throws IOException {
        List<Problem> problems = new ArrayList<>();
        try {
            read(channel, file, (offset, item, message) -> problems.add(new Problem(Severity.ERROR, offset, item, message)));
        } catch (SafetensorsException e) {
            problems.add(Problem.of(e));
        }
        return problems;
    }

    static SafetensorsHeader read(SeekableByteChannel channel, Path file, Sink sink) throws IOException {
        // 1. uint64 header_length
        long size = channel.size();
        if (size < 8) {
            throw new SafetensorsException(file, 0, "header_length",
                    "file of " + size + " bytes is shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long n = lengthBytes.getLong(0);
        if (n < 0 || n > MAX_HEADER_LENGTH) {
            throw new SafetensorsException(file, 0, "header_length", "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_LENGTH + " bytes");
        }
        if (n > size - 8) {
            throw new SafetensorsException(file, 0, "header_length",
                    "header length " + n + " exceeds the " + (size - 8) + " bytes after it");
        }
        if (n < 2) {
            throw new SafetensorsException(file, 0, "header_length", "header length " + n + " cannot hold a JSON object");
        }
        // 2. the JSON header, strict UTF-8
        ByteBuffer json = ByteBuffer.allocate((int) n);
        readFully(channel, json, 8);
        json.flip();
        if (json.get(0) != '{') {
            throw new SafetensorsException(file, 8, "header", "does not start with '{'");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(json).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, 8, "header", "is not valid UTF-8");
        }
        Map<String, JsonElement> fields = parseObject(file, text, sink);
        // 3. the entries, each checked on its own
        long dataStart = 8 + n;
        long dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<SafetensorsEntry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> f : fields.entrySet()) {
            if (f.getKey().equals(METADATA)) {
                readMetadata(f.getValue(), metadata, sink);
            } else {
                SafetensorsEntry e = readEntry(f.getKey(), f.getValue(), sink);
                if (e != null) {
                    entries.add(e);
                }
            }
        }
        // 4. the byte ranges: in bounds, contiguous, not overlapping, covering the data section
        entries.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
        checkLayout(entries, dataStart, dataSize, sink);
        return new SafetensorsHeader(file, n, size, entries, metadata);
    }

    private static Map<String, JsonElement> parseObject(Path file, String text, Sink sink) throws IOException {
        Map<String, JsonElement> fields = new LinkedHashMap<>();
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                JsonElement value = JsonParser.parseReader(reader);
                if (fields.containsKey(name)) {
                    sink.report(8, "tensor '" + name + "'", "duplicate key in the header");
                    continue;
                }
                fields.put(name, value);
            }
            reader.endObject();
            // only the space padding may follow
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new SafetensorsException(file, 8, "header", "text after the JSON object");
            }
        } catch (JsonParseException | IllegalStateException | java.io.EOFException
                 | com.google.gson.stream.MalformedJsonException e) {
            throw new SafetensorsException(file, 8, "header", "malformed JSON: " + e.getMessage(), e);
        }
        return fields;
    }

    private static void readMetadata(JsonElement value, Map<String, String> metadata, Sink sink)
            throws SafetensorsException {
        if (!value.isJsonObject()) {
            sink.report(8, METADATA, "expected an object of strings, found " + abbreviate(value));
            return;
        }
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            if (m.getValue() instanceof JsonPrimitive p && p.isString()) {
                metadata.put(m.getKey(), p.getAsString());
            } else {
                sink.report(8, METADATA + "." + m.getKey(), "expected a string, found " + abbreviate(m.getValue()));
            }
        }
    }

    /** One tensor's object, or null after reporting why it is unusable. */
    private static SafetensorsEntry readEntry(String name, JsonElement value, Sink sink) throws SafetensorsException {
        String item = "tensor '" + name + "'";
        if (!value.isJsonObject()) {
            sink.report(8, item, "expected an object, found " + abbreviate(value));
            return null;
        }
        JsonObject o = value.getAsJsonObject();
        // dtype
        JsonElement d = o.get("dtype");
        if (!(d instanceof JsonPrimitive p && p.isString())) {
            sink.report(8, item + " dtype", d == null ? "missing" : "expected a string, found " + abbreviate(d));
            return null;
        }
        Optional<SafetensorsDtype> dtype = SafetensorsDtype.byName(d.getAsString());
        if (dtype.isEmpty()) {
            sink.report(8, item + " dtype", "unknown dtype '" + d.getAsString() + "' (known: "
                    + SafetensorsDtype.supported() + ")");
            return null;
        }
        // shape
        long[] dims = longs(o.get("shape"), -1);
        if (dims == null) {
            sink.report(8, item + " shape", "expected an array of non-negative integers, found "
                    + abbreviate(o.get("shape")));
            return null;
        }
        // data_offsets
        long[] offsets = longs(o.get("data_offsets"), 2);
        if (offsets == null) {
            sink.report(8, item + " data_offsets", "expected [begin, end] with non-negative integers, found "
                    + abbreviate(o.get("data_offsets")));
            return null;
        }
        if (offsets[1] < offsets[0]) {
            sink.report(8, item + " data_offsets", "end " + offsets[1] + " is before begin " + offsets[0]);
            return null;
        }
        Shape shape = new Shape(dims);
        long need;
        try {
            need = Math.multiplyExact(shape.elementCount(), (long) dtype.get().size());
        } catch (ArithmeticException e) {
            sink.report(8, item + " shape", "shape " + shape + " overflows a 64-bit byte count");
            return null;
        }
        long have = offsets[1] - offsets[0];
        if (have != need) {
            sink.report(8, item + " data_offsets", "[" + offsets[0] + ", " + offsets[1] + "] hold " + have
                    + " bytes, " + dtype.get() + " " + shape + " needs " + need);
            return null;
        }
        return new SafetensorsEntry(name, dtype.get(), shape, offsets[0], offsets[1]);
    }

    private static void checkLayout(List<SafetensorsEntry> entries, long dataStart, long dataSize, Sink sink)
            throws SafetensorsException {
        long expected = 0;
        SafetensorsEntry previous = null;
        Set<SafetensorsEntry> bad = new HashSet<>();
        for (SafetensorsEntry e : entries) {
            String item = "tensor '" + e.name() + "' data_offsets";
            String range = "[" + e.begin() + ", " + e.end() + "]";
            if (e.end() > dataSize) {
                sink.report(dataStart + Math.min(e.begin(), dataSize), item,
                        range + " is out of bounds: the data section has " + dataSize + " bytes");
                bad.add(e);
            }
            if (e.begin() < expected) {
                sink.report(dataStart + e.begin(), item, range + " overlaps tensor '" + previous.name()
                        + "' [" + previous.begin() + ", " + previous.end() + "]");
                bad.add(e);
            } else if (e.begin() > expected) {
                sink.report(dataStart + expected, item, range + " is not contiguous: " + (e.begin() - expected)
                        + " bytes unused before it" + (previous == null ? "" : " (after tensor '" + previous.name() + "')"));
            }
            if (e.end() >= expected) {
                expected = e.end();
                previous = e;
            }
        }
        if (expected < dataSize) {
            sink.report(dataStart + expected, "data", (dataSize - expected) + " bytes after the last tensor are not"
                    + " covered by any data_offsets");
        }
        entries.removeAll(bad);
    }

    /** A JSON array of non-negative integers of the given length (-1: any), or null. */
    private static long[] longs(JsonElement e, int length) {
        if (!(e instanceof JsonArray a) || (length >= 0 && a.size() != length)) {
            return null;
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(a.get(i) instanceof JsonPrimitive p && p.isNumber())) {
                return null;
            }
            try {
                BigDecimal v = p.getAsBigDecimal();
                out[i] = v.longValueExact();
            } catch (ArithmeticException | NumberFormatException x) {
                return null;
            }
            if (out[i] < 0) {
                return null;
            }
        }
        return out;
    }

    private static void readFully(SeekableByteChannel channel, ByteBuffer buf, long position) throws IOException {
        channel.position(position);
        while (buf.hasRemaining()) {
            int r = channel.read(buf);
            if (r < 0) {
                throw new java.io.EOFException("unexpected end of file");
            }
        }
    }

    static String abbreviate(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
