package dev.hearth.gguf.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only test data in {@code ../shared}; tests skip with a reason when it is absent. */
public final class SharedData {

    private SharedData() {
    }

    /** The shared folder, or a skipped test saying why. */
    public static Path root() {
        String prop = System.getProperty("hearth.shared");
        Path p = prop == null ? Path.of("..", "..", "shared") : Path.of(prop);
        assumeTrue(Files.isDirectory(p), "shared test data not found at " + p.toAbsolutePath()
                + " (set -Dhearth.shared=DIR; it lives beside the repository as ../shared)");
        return p;
    }

    /** A file under the shared folder, or a skipped test naming it. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.isRegularFile(p) || Files.isDirectory(p), "shared test file missing: " + p);
        return p;
    }
}
