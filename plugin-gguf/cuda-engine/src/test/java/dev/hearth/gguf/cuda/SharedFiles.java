package dev.hearth.gguf.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data ({@code -Dhearth.shared}); GPU tests are gated by their switch and so fail, never skip,
 * when a file they need is missing.
 */
final class SharedFiles {

    private SharedFiles() {
    }

    static Path file(String relative) {
        String prop = System.getProperty("hearth.shared");
        Path root = prop == null ? Path.of("..", "..", "..", "shared") : Path.of(prop);
        Path p = root.resolve(relative);
        assertTrue(Files.exists(p), "shared test file missing: " + p.toAbsolutePath() + " (set -Dhearth.shared)");
        return p;
    }
}
