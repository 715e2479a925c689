package dev.hearth.gguf.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Locates the read-only test data in {@code ../shared}; tests skip with a reason when it is absent. */
public final class SharedData {

    private SharedData() {
    }

    /** The shared folder ({@code -Dhearth.shared}, set by the build to ../shared), if it is there. */
    public static Optional<Path> find() {
        String prop = System.getProperty("hearth.shared");
        Path p = prop == null || prop.isBlank() ? Path.of("..", "..", "shared") : Path.of(prop);
        return Files.isDirectory(p.resolve("models")) ? Optional.of(p) : Optional.empty();
    }

    /** The shared folder, or a skipped test saying why. */
    public static Path root() {
        Optional<Path> p = find();
        assumeTrue(p.isPresent(), "shared test data not found (set -Dhearth.shared=DIR; it lives beside the "
                + "repository as ../shared)");
        return p.get();
    }

    /** A file under the shared folder, or a skipped test naming it. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.isRegularFile(p) || Files.isDirectory(p), "shared test file missing: " + p);
        return p;
    }
}
