package dev.hearth.safetensors.format;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * All the weights of a model: one {@code .safetensors} file, or the shards named by
 * {@code model.safetensors.index.json}, each opened (and mapped) once.
 *
 * <p>Tied weights: when transformers saves two names for one tensor it stores one of them and records the other in
 * {@code __metadata__} as {@code "dropped name": "stored name"} (TinyStories-656K stores {@code lm_head.weight} and
 * maps {@code model.embed_tokens.weight} to it). {@link #entry} resolves such aliases.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";

    private final List<SafetensorsFile> files;
    private final Optional<SafetensorsIndex> index;
    private final Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    private SafetensorsCheckpoint(List<SafetensorsFile> files, Optional<SafetensorsIndex> index) {
        this.files = List.copyOf(files);
        this.index = index;
        for (SafetensorsFile f : files) {
            f.entries().forEach(e -> byTensor.putIfAbsent(e.name(), f));
        }
        for (SafetensorsFile f : files) {
            f.metadata().forEach((k, v) -> {
                if (!byTensor.containsKey(k) && byTensor.containsKey(v)) {
                    aliases.put(k, v);
                }
            });
        }
    }

    /** Whether {@code folder} holds a single-file or sharded checkpoint. */
    public static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve(SINGLE_FILE)) || Files.isRegularFile(folder.resolve(SafetensorsIndex.FILE_NAME));
    }

    /**
     * Opens a {@code .safetensors} file, or a folder's {@code model.safetensors.index.json} (preferred) or
     * {@code model.safetensors}.
     *
     * @throws SafetensorsException naming the file and field at the first problem, including a tensor of the index
     *                              missing from its shard
     */
    public static SafetensorsCheckpoint open(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return new SafetensorsCheckpoint(List.of(SafetensorsFile.open(path)), Optional.empty());
        }
        Path indexFile = path.resolve(SafetensorsIndex.FILE_NAME);
        if (!Files.isRegularFile(indexFile)) {
            Path single = path.resolve(SINGLE_FILE);
            if (!Files.isRegularFile(single)) {
                throw new SafetensorsException(path, SafetensorsException.NO_OFFSET, SINGLE_FILE,
                        "the folder has neither " + SINGLE_FILE + " nor " + SafetensorsIndex.FILE_NAME);
            }
            return new SafetensorsCheckpoint(List.of(SafetensorsFile.open(single)), Optional.empty());
        }
        SafetensorsIndex index = SafetensorsIndex.read(indexFile);
        List<SafetensorsFile> shards = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
            for (String shard : index.shards()) {
                Path file = path.resolve(shard);
                if (!Files.isRegularFile(file)) {
                    throw new SafetensorsException(indexFile, SafetensorsException.NO_OFFSET, "weight_map",
                            "shard '" + shard + "' does not exist");
                }
                SafetensorsFile f = SafetensorsFile.open(file);
                shards.add(f);
                byName.put(shard, f);
            }
            for (Map.Entry<String, String> w : index.weightMap().entrySet()) {
                if (byName.get(w.getValue()).entry(w.getKey()).isEmpty()) {
                    throw new SafetensorsException(indexFile, SafetensorsException.NO_OFFSET, "weight_map." + w.getKey(),
                            "shard '" + w.getValue() + "' has no such tensor");
                }
            }
            return new SafetensorsCheckpoint(shards, Optional.of(index));
        } catch (IOException | RuntimeException e) {
            shards.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    /** The open files: one, or the shards in name order. */
    public List<SafetensorsFile> files() { return files; }

    public Optional<SafetensorsIndex> index() { return index; }

    /** The names stored in the files, sorted. */
    public Set<String> tensorNames() {
        return java.util.Collections.unmodifiableSet(new TreeSet<>(byTensor.keySet()));
    }

    /** Alias name to stored name, from {@code __metadata__}. */
    public Map<String, String> aliases() { return java.util.Collections.unmodifiableMap(aliases); }

    /** The entry stored under {@code name} or under the name it is an alias of. */
    public Optional<SafetensorsEntry> entry(String name) {
        String stored = aliases.getOrDefault(name, name);
        SafetensorsFile f = byTensor.get(stored);
        return f == null ? Optional.empty() : f.entry(stored);
    }

    /** The file holding {@code name} (after alias resolution). */
    public Optional<SafetensorsFile> fileOf(String name) {
        return Optional.ofNullable(byTensor.get(aliases.getOrDefault(name, name)));
    }

    /**
     * The tensor's bytes as a view of its file's mapping.
     *
     * @throws IllegalArgumentException if there is no such tensor
     */
    public MemorySegment tensor(String name) {
        String stored = aliases.getOrDefault(name, name);
        SafetensorsFile f = byTensor.get(stored);
        if (f == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in the checkpoint");
        }
        return f.tensor(stored);
    }

    /** Every stored entry, file by file. */
    public List<SafetensorsEntry> entries() {
        return files.stream().flatMap(f -> f.entries().stream()).toList();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
