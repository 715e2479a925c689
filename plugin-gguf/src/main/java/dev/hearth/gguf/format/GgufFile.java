package dev.hearth.gguf.format;

import dev.hearth.api.model.ModelFileException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open GGUF file: the whole file mapped once, read-only, into a shared {@link Arena} this object owns; the
 * header, metadata and tensor infos parsed and checked onto the heap; tensor data handed out as
 * {@link MemorySegment} views into the mapping (nothing is copied, files over 2 GB work).
 *
 * <h2>The GGUF layout, as read here</h2>
 * All numbers are little-endian. A {@code gguf_string} is a {@code uint64} byte length followed by that many
 * bytes of UTF-8, without terminator.
 * <ol>
 *   <li><b>Header</b>: {@code uint32 magic} = the bytes "GGUF"; {@code uint32 version} (2 or 3 here; version 1
 *       used 32-bit counts and is refused); {@code uint64 tensor_count}; {@code uint64 metadata_kv_count}.</li>
 *   <li><b>Metadata</b>, {@code metadata_kv_count} times: {@code gguf_string key}; {@code uint32 value_type}
 *       ({@link GgufValueType}); the value. Fixed-size values are stored as-is, a string as a
 *       {@code gguf_string}, an array as {@code uint32 element_type}, {@code uint64 count} and the elements
 *       (arrays may hold strings or other arrays). Keys are unique.</li>
 *   <li><b>Tensor infos</b>, {@code tensor_count} times: {@code gguf_string name}; {@code uint32 n_dims}
 *       (1..4); {@code int64 ne[n_dims]}, innermost dimension first; {@code uint32 type} ({@link GgmlType});
 *       {@code uint64 offset} of the tensor's bytes relative to the data section. Names are unique.</li>
 *   <li><b>Padding</b> up to a multiple of the alignment: metadata {@code general.alignment} (a power of
 *       two), 32 when absent.</li>
 *   <li><b>Data section</b> to the end of the file: each tensor's blocks at its offset, which is a multiple
 *       of the alignment; tensors do not overlap. A vocabulary-only file has no tensors and may end before the
 *       padding.</li>
 * </ol>
 * Every count and length is checked against the bytes left before anything is allocated, so a corrupt file
 * gives a {@link GgufException} naming the offset and the item, never an {@link OutOfMemoryError}.
 *
 * <p>Thread-safe for reading. {@link #close()} unmaps; views obtained before become unusable.
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final long fileSize;
    private final GgufParser.Result parsed;
    private final Map<String, GgufTensorInfo> byName;
    private volatile boolean closed;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Result parsed) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.fileSize = mapping.byteSize();
        this.parsed = parsed;
        Map<String, GgufTensorInfo> map = new LinkedHashMap<>();
        for (GgufTensorInfo t : parsed.tensors()) {
            map.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /**
     * Maps and parses a GGUF file, checking its whole structure.
     *
     * @throws GgufException             if the file is corrupt, truncated or inconsistent
     * @throws GgufUnsupportedException  if it is well-formed but uses a GGUF version or a withdrawn type this
     *                                   reader does not handle
     * @throws IOException               if it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        return open(path, GgufParser.STRICT);
    }

    /** Opens with a problem sink: the verifier collects recoverable problems instead of stopping. */
    static GgufFile open(Path path, GgufParser.Problems problems) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size == 0) {
                    throw new GgufException(path, 0, "magic", "the file is empty");
                }
                mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            GgufParser.Result parsed = GgufParser.parse(path, mapping, problems);
            return new GgufFile(path, arena, mapping, parsed);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() { return path; }

    /** Size of the file in bytes. */
    public long fileSize() { return fileSize; }

    public GgufHeader header() { return open().header(); }

    public GgufMetadata metadata() { return open().metadata(); }

    /** The tensor infos in file order. */
    public List<GgufTensorInfo> tensors() { return open().tensors(); }

    /** Tensor infos by name, in file order. */
    public Map<String, GgufTensorInfo> tensorsByName() {
        open();
        return byName;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        open();
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws GgufException naming the tensor when the file has none of that name
     */
    public GgufTensorInfo requireTensor(String name) throws GgufException {
        GgufTensorInfo t = tensor(name).orElse(null);
        if (t == null) {
            throw new GgufException(path, ModelFileException.NO_OFFSET, GgufTensorInfo.item(name),
                    "required tensor is missing");
        }
        return t;
    }

    /** The alignment of tensor offsets ({@code general.alignment}, 32 by default). */
    public int alignment() { return open().alignment(); }

    /** Where the data section starts in the file; tensor offsets are relative to it. */
    public long dataOffset() { return open().dataOffset(); }

    /**
     * A read-only view of a tensor's bytes in the mapping.
     *
     * @throws IllegalArgumentException if {@code tensor} is not one of this file's tensors
     * @throws IllegalStateException    after {@link #close()}
     */
    public MemorySegment tensorData(GgufTensorInfo tensor) {
        GgufParser.Result r = open();
        if (!tensor.equals(byName.get(tensor.name()))) {
            throw new IllegalArgumentException(tensor.item() + " is not a tensor of " + path.getFileName());
        }
        return mapping.asSlice(r.dataOffset() + tensor.offset(), tensor.byteSize()).asReadOnly();
    }

    /**
     * Refuses a tensor whose type Hearth cannot compute with.
     *
     * @throws GgufUnsupportedException naming the tensor, its type and the supported types
     */
    public void checkSupported(GgufTensorInfo tensor) throws GgufUnsupportedException {
        if (!tensor.type().isSupported()) {
            throw new GgufUnsupportedException(path, tensor.infoOffset(), tensor.item(), "type "
                    + tensor.type() + " is not supported; supported types: " + GgmlType.supportedNames());
        }
    }

    public boolean isOpen() { return !closed; }

    /** Unmaps the file. Idempotent; afterwards every accessor but {@link #path()} and {@link #fileSize()} throws. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        arena.close();
    }

    private GgufParser.Result open() {
        if (closed) {
            throw new IllegalStateException(path.getFileName() + " is closed");
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", " + parsed.tensors().size() + " tensors" + (closed ? ", closed]" : "]");
    }
}
