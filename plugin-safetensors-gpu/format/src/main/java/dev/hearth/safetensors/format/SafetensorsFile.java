package dev.hearth.safetensors.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An open SafeTensors file: the checked {@link SafetensorsHeader} and its data section mapped once, read-only,
 * into a shared {@link Arena} this object owns. Tensors are {@link MemorySegment} views of that mapping; nothing
 * is copied onto the heap. {@link #close()} unmaps (idempotent); views must not be used afterwards.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final SafetensorsHeader header;
    private final Map<String, SafetensorsEntry> byName;
    private final Arena arena;
    private final MemorySegment data;
    private volatile boolean closed;

    private SafetensorsFile(SafetensorsHeader header, Arena arena, MemorySegment data) {
        this.header = header;
        this.byName = header.entries().stream().collect(Collectors.toUnmodifiableMap(SafetensorsEntry::name,
                Function.identity()));
        this.arena = arena;
        this.data = data;
    }

    /**
     * Opens, checks and maps a {@code .safetensors} file.
     *
     * @throws SafetensorsException naming the file, offset and field at the first problem
     */
    public static SafetensorsFile open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = SafetensorsHeader.read(channel, file);
            Arena arena = Arena.ofShared();
            try {
                MemorySegment data = header.dataSize() == 0 ? MemorySegment.NULL
                        : channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart(), header.dataSize(), arena);
                return new SafetensorsFile(header, arena, data);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    public Path file() { return header.file(); }

    public SafetensorsHeader header() { return header; }

    /** The tensors in data order. */
    public List<SafetensorsEntry> entries() { return header.entries(); }

    /** {@code __metadata__}. */
    public Map<String, String> metadata() { return header.metadata(); }

    public Optional<SafetensorsEntry> entry(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The bytes of the tensor stored under {@code name}, as a view of the mapping.
     *
     * @throws IllegalArgumentException if the file has no such tensor
     */
    public MemorySegment tensor(String name) {
        SafetensorsEntry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file().getFileName() + " has no tensor '" + name + "'");
        }
        return tensor(e);
    }

    /** The bytes of one of this file's entries. */
    public MemorySegment tensor(SafetensorsEntry e) {
        checkOpen();
        if (byName.get(e.name()) != e && !e.equals(byName.get(e.name()))) {
            throw new IllegalArgumentException("tensor '" + e.name() + "' is not an entry of " + file().getFileName());
        }
        return data.asSlice(e.begin(), e.byteSize());
    }

    /** The whole data section. */
    public MemorySegment data() {
        checkOpen();
        return data;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(file().getFileName() + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file().getFileName() + ", " + entries().size() + " tensors]";
    }
}
