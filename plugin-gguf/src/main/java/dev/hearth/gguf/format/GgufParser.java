package dev.hearth.gguf.format;

import dev.hearth.api.model.ModelFileException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header, metadata and tensor infos of a mapped GGUF file and checks the layout (the steps are
 * numbered as in {@link GgufFile}). Problems after which reading can go on (a misaligned offset, a duplicate
 * key) go to a {@link Problems} sink: {@link #STRICT} throws the first, the verifier collects them all.
 * Problems that make the rest unreadable (truncation, an impossible length, an unknown value type) are thrown.
 */
final class GgufParser {

    /** Where recoverable problems go. */
    @FunctionalInterface
    interface Problems {
        void report(ModelFileException problem) throws ModelFileException;
    }

    /** Throws the first problem. */
    static final Problems STRICT = p -> {
        throw p;
    };

    /** What a parse yields. */
    record Result(GgufHeader header, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment,
                  long dataOffset) {}

    static final String ALIGNMENT_KEY = "general.alignment";
    static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4;   // GGML_MAX_DIMS
    /** Smallest tensor info: name length, n_dims, one dim, type, offset. */
    static final int MIN_TENSOR_INFO = 8 + 4 + 8 + 4 + 8;
    /** Smallest key-value pair: key length, value type, a one-byte value. */
    static final int MIN_KV = 8 + 4 + 1;

    private final GgufCursor in;
    private final Path file;
    private final Problems problems;

    private GgufParser(Path file, MemorySegment seg, Problems problems) {
        this.in = new GgufCursor(file, seg);
        this.file = file;
        this.problems = problems;
    }

    static Result parse(Path file, MemorySegment seg, Problems problems) throws ModelFileException {
        return new GgufParser(file, seg, problems).parse();
    }

    private Result parse() throws ModelFileException {
        GgufHeader header = header();
        GgufMetadata metadata = metadata(header.metadataCount());
        int alignment = alignment(metadata);
        List<GgufTensorInfo> tensors = tensorInfos(header.tensorCount(), alignment);
        long dataOffset = align(in.position(), alignment);
        if (dataOffset > in.size()) {
            if (!tensors.isEmpty()) {
                throw in.error(in.position(), "data section", "starts at " + dataOffset
                        + " (aligned to " + alignment + "), past the end of the file (" + in.size() + " bytes)");
            }
            dataOffset = in.size();   // a vocabulary-only file may end right after its metadata
        }
        checkPlacement(tensors, alignment, in.size() - dataOffset);
        return new Result(header, metadata, tensors, alignment, dataOffset);
    }

    // ---- 1. header ----------------------------------------------------------------------------------------

    private GgufHeader header() throws ModelFileException {
        int magic = in.u32("magic", "uint32 magic");                      // uint32 magic "GGUF"
        if (magic != GgufHeader.MAGIC) {
            throw in.error(0, "magic", "expected 'GGUF' (47 47 55 46), found " + describeMagic(magic)
                    + ": not a GGUF file");
        }
        int version = in.u32("version", "uint32 version");                // uint32 version
        if (version == 1) {
            throw new GgufUnsupportedException(file, 4, "version", "GGUF version 1 is not supported"
                    + " (supported: 2, 3); convert the model again with a current llama.cpp");
        }
        if (version != 2 && version != 3) {
            boolean swapped = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3;
            if (version == 0) {
                throw in.error(4, "version", "GGUF version 0 is invalid");
            }
            throw new GgufUnsupportedException(file, 4, "version", swapped
                    ? "big-endian GGUF files are not supported (supported: little-endian versions 2, 3)"
                    : "GGUF version " + Integer.toUnsignedString(version) + " is not supported (supported: 2, 3)");
        }
        long tensorCount = in.count("tensor_count", "tensor_count", MIN_TENSOR_INFO);   // uint64 tensor_count
        long kvCount = in.count("metadata_kv_count", "metadata_kv_count", MIN_KV);     // uint64 metadata_kv_count
        if (tensorCount * MIN_TENSOR_INFO + kvCount * MIN_KV > in.remaining()) {
            throw in.error(8, "header", tensorCount + " tensor infos and " + kvCount
                    + " key-value pairs cannot fit in the " + in.remaining() + " bytes left");
        }
        return new GgufHeader(version, tensorCount, kvCount);
    }

    private static String describeMagic(int magic) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int b = (magic >>> (8 * i)) & 0xff;
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b));
        }
        return sb.toString();
    }

    // ---- 2. metadata --------------------------------------------------------------------------------------

    private GgufMetadata metadata(long count) throws ModelFileException {
        Map<String, GgufMetadata.Entry> entries = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            long start = in.position();
            String key = in.string("key #" + i, "key", true);                    // gguf_string key
            String item = "key '" + key + "'";
            if (key.isEmpty()) {
                problems.report(in.error(start, "key #" + i, "key is empty"));
            }
            GgufValueType type = in.valueType(item, "value type");              // uint32 value_type
            Object value = in.value(type, item, 0);                             // value
            GgufMetadata.Entry e = new GgufMetadata.Entry(key, type, value, start);
            GgufMetadata.Entry first = entries.putIfAbsent(key, e);
            if (first != null) {
                problems.report(in.error(start, item, "duplicate key (first at @0x"
                        + Long.toHexString(first.offset()) + ")"));
            }
        }
        return new GgufMetadata(file, entries.values());
    }

    private int alignment(GgufMetadata metadata) throws ModelFileException {
        var e = metadata.entry(ALIGNMENT_KEY);
        if (e.isEmpty()) {
            return DEFAULT_ALIGNMENT;
        }
        String item = "key '" + ALIGNMENT_KEY + "'";
        long at = e.get().offset();
        if (!e.get().type().isInteger()) {
            throw in.error(at, item, "expected UINT32, found " + e.get().type());
        }
        long v = ((Number) e.get().value()).longValue();
        if (v <= 0 || v > (1 << 30) || Long.bitCount(v) != 1) {
            throw in.error(at, item, "alignment " + v + " is not a positive power of two (at most 2^30)");
        }
        return (int) v;
    }

    // ---- 3. tensor infos ----------------------------------------------------------------------------------

    private List<GgufTensorInfo> tensorInfos(long count, int alignment) throws ModelFileException {
        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(count, 1 << 16));
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        for (long i = 0; i < count; i++) {
            long start = in.position();
            String name = in.string("tensor #" + i, "tensor name", true);       // gguf_string name
            String item = GgufTensorInfo.item(name);
            long nDimsAt = in.position();
            int nDims = in.u32(item, "n_dims");                                 // uint32 n_dims
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw in.error(nDimsAt, item, "n_dims " + Integer.toUnsignedString(nDims)
                        + " is outside 1.." + MAX_DIMS);
            }
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.u64(item, "ne[" + d + "]");                        // int64 ne[n_dims]
            }
            long typeAt = in.position();
            int typeId = in.u32(item, "type");                                  // uint32 type
            long offset = in.u64(item, "offset");                               // uint64 offset
            GgufTensorInfo t = tensor(name, item, dims, typeId, typeAt, offset, start, alignment);
            if (t == null) {
                continue;
            }
            GgufTensorInfo first = byName.putIfAbsent(name, t);
            if (first != null) {
                problems.report(in.error(start, item, "duplicate tensor name (first at @0x"
                        + Long.toHexString(first.infoOffset()) + ")"));
                continue;
            }
            tensors.add(t);
        }
        return tensors;
    }

    /** Checks one tensor info on its own; null when it is unusable and the problem was reported. */
    private GgufTensorInfo tensor(String name, String item, long[] dims, int typeId, long typeAt, long offset,
                                  long start, int alignment) throws ModelFileException {
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] <= 0) {
                problems.report(in.error(start, item, "dimension ne[" + d + "] = " + dims[d] + " is not positive"));
                return null;
            }
        }
        Shape shape = new Shape(dims);
        long elements;
        try {
            elements = shape.elementCount();
        } catch (ArithmeticException e) {
            problems.report(in.error(start, item, "shape " + shape + " has more than 2^63 elements"));
            return null;
        }
        var type = GgmlType.byId(typeId);
        if (type.isEmpty()) {
            problems.report(in.error(typeAt, item, "unknown ggml type id " + Integer.toUnsignedString(typeId)));
            return null;
        }
        GgmlType t = type.get();
        if (t.isWithdrawn()) {
            problems.report(new GgufUnsupportedException(file, typeAt, item, "ggml type " + t + " (id " + typeId
                    + ") was withdrawn from ggml; supported types: " + GgmlType.supportedNames()));
            return null;
        }
        if (dims[0] % t.blockSize() != 0) {
            problems.report(in.error(start, item, "first dimension " + dims[0] + " is not a multiple of the "
                    + t + " block size " + t.blockSize()));
            return null;
        }
        if (elements / t.blockSize() > Long.MAX_VALUE / t.typeSize()) {
            problems.report(in.error(start, item, "shape " + shape + " of " + t + " is larger than 2^63 bytes"));
            return null;
        }
        if (Long.remainderUnsigned(offset, alignment) != 0) {
            problems.report(in.error(start, item, "offset " + Long.toUnsignedString(offset)
                    + " is not a multiple of alignment " + alignment));
        }
        return new GgufTensorInfo(name, t, shape, offset, start);
    }

    // ---- 4. data section ----------------------------------------------------------------------------------

    /** Every tensor inside the data section, none overlapping another. */
    private void checkPlacement(List<GgufTensorInfo> tensors, int alignment, long dataSize)
            throws ModelFileException {
        List<GgufTensorInfo> inside = new ArrayList<>(tensors.size());
        for (GgufTensorInfo t : tensors) {
            long size = t.byteSize();
            if (t.offset() < 0 || t.offset() > dataSize || size > dataSize - t.offset()) {
                problems.report(in.error(t.infoOffset(), t.item(), "bytes [" + Long.toUnsignedString(t.offset())
                        + ", +" + size + ") of the data section run past its end (" + dataSize + " bytes)"));
            } else {
                inside.add(t);
            }
        }
        inside.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        GgufTensorInfo previous = null;
        for (GgufTensorInfo t : inside) {
            if (previous != null && t.offset() < previous.offset() + previous.byteSize()) {
                problems.report(in.error(t.infoOffset(), t.item(), "bytes [" + t.offset() + ", "
                        + (t.offset() + t.byteSize()) + ") overlap tensor '" + previous.name() + "' ["
                        + previous.offset() + ", " + (previous.offset() + previous.byteSize()) + ")"));
            }
            if (previous == null || t.offset() + t.byteSize() > previous.offset() + previous.byteSize()) {
                previous = t;
            }
        }
    }

    static long align(long pos, int alignment) {
        long rem = pos % alignment;
        return rem == 0 ? pos : pos + alignment - rem;
    }
}
