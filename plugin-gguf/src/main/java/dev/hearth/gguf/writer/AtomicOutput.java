package dev.hearth.gguf.writer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file under a temporary name in the target's folder and renames it to the target at the end, so readers
 * never see a half-written file and a failure leaves nothing behind.
 */
public final class AtomicOutput {

    /** Writes the content of a file through its channel. */
    @FunctionalInterface
    public interface Body {
        void write(FileChannel channel) throws IOException;
    }

    /** Writes the content of a folder (for multi-file outputs). */
    @FunctionalInterface
    public interface FolderBody {
        void write(Path folder) throws IOException;
    }

    private AtomicOutput() {}

    /** Writes {@code target} through {@code body}: temporary file, fsync, rename (replacing an existing file). */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".part");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(false);
            }
            move(tmp, abs);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Writes a folder {@code target} through {@code body}: a temporary sibling folder, renamed at the end. The target
     * must not exist, or be an empty folder.
     */
    public static void writeFolder(Path target, FolderBody body) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            try (var s = Files.list(abs)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(abs + " exists and is not empty");
                }
            }
            Files.delete(abs);
        } else if (Files.exists(abs)) {
            throw new IOException(abs + " exists and is not a folder");
        }
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
        boolean done = false;
        try {
            body.write(tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            if (!done) {
                deleteTree(tmp);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
