package dev.hearth.host.server.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The models folder: each model is one entry directly in it, a file ({@code stories260K.gguf}) or a folder (a
 * Hugging Face SafeTensors checkout). A model's <em>name</em> is the entry's name without {@code .gguf}; requests and
 * commands name models, never paths, so a name is checked before it touches the file system: no separators, no
 * {@code ..}, no leading dot (temporary downloads start with one), printable ASCII only.
 */
public final class ModelStore {

    /** Suffix a model file's name loses in its model name. */
    public static final String GGUF = ".gguf";
    /** Prefix of files being downloaded; they are never models. */
    public static final String PARTIAL_PREFIX = ".";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+@=-]{0,199}");

    private final Path dir;

    public ModelStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** One model in the folder. */
    public record Entry(String name, Path path, long bytes, boolean folder) {}

    /** Throws {@link IllegalArgumentException} naming the problem when {@code name} is not a valid model name. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a model name is required");
        if (name.contains("/") || name.contains("\\") || name.contains("..") || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + printable(name) + "' is not a model name: names are file names"
                    + " in the models folder (letters, digits, . _ - + @ =; no paths, no '..')");
        }
        return name;
    }

    /** The entry a name refers to ({@code NAME}, else {@code NAME.gguf}), if it exists. */
    public Optional<Entry> find(String name) throws IOException {
        checkName(name);
        for (String candidate : List.of(name, name + GGUF)) {
            Path p = dir.resolve(candidate);
            // the resolved path must stay a direct child of the folder, links included
            if (!p.getParent().equals(dir)) continue;
            if (Files.exists(p)) return Optional.of(entry(p));
        }
        return Optional.empty();
    }

    /** Every model in the folder, sorted by name; an absent folder has none. */
    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                if (f.startsWith(PARTIAL_PREFIX) || !NAME.matcher(f).matches()) continue;
                if (Files.isRegularFile(p) && !f.endsWith(GGUF) && !f.endsWith(".safetensors")) continue;
                out.add(entry(p));
            }
        }
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    /** Deletes a model (a file, or a folder with everything in it); returns what was deleted. */
    public Entry remove(String name) throws IOException {
        Entry e = find(name).orElseThrow(() -> new IllegalArgumentException("no model '" + name + "' in " + dir));
        if (Files.isSymbolicLink(e.path()) || !e.folder()) {
            Files.delete(e.path()); // a link goes, never what it points to
        } else {
            Files.walkFileTree(e.path(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null) throw exc;
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return e;
    }

    private Entry entry(Path p) throws IOException {
        String f = p.getFileName().toString();
        String name = f.endsWith(GGUF) ? f.substring(0, f.length() - GGUF.length()) : f;
        boolean folder = Files.isDirectory(p);
        return new Entry(name, p, folder ? folderBytes(p) : Files.size(p), folder);
    }

    private static long folderBytes(Path folder) throws IOException {
        long[] sum = {0};
        try (var files = Files.walk(folder)) {
            files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(f))
                    .forEach(f -> {
                        try {
                            sum[0] += Files.size(f);
                        } catch (IOException e) {
                            // a file that vanished while listing: not counted
                        }
                    });
        }
        return sum[0];
    }

    private static String printable(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
