package dev.hearth.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The framework's storage for one process: {@code cache/<pid>} under the distribution, so two hosts can run at once.
 * Folders left by processes that are gone (killed hosts) are removed when the next host starts.
 */
final class ProcessCache {
    private static final Logger LOG = Logger.getLogger("dev.hearth.launcher");

    private final Path dir;

    private ProcessCache(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    static ProcessCache create(Path root) throws IOException {
        Files.createDirectories(root);
        removeStale(root);
        Path dir = root.resolve(Long.toString(ProcessHandle.current().pid()));
        deleteTree(dir);
        Files.createDirectories(dir);
        return new ProcessCache(dir);
    }

    void delete() {
        try {
            deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.fine(() -> "could not remove " + dir + ": " + e.getMessage());
        }
    }

    private static void removeStale(Path root) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.matches("\\d+") && ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
                    try {
                        deleteTree(p);
                    } catch (IOException | UncheckedIOException e) {
                        LOG.fine(() -> "could not remove stale cache " + p + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
