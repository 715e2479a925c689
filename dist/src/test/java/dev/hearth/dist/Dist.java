package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Where the unpacked distribution and the test plugins are, and waiting for things to happen. */
final class Dist {
    /** How long a plugin dropped into deploy/ may take to show up (FileInstall polls every 500 ms; on a 2-core machine busy with other builds its start once took over 30 s). */
    static final Duration PLUGIN_WAIT = Duration.ofSeconds(60);

    private Dist() {
    }

    /** target/hearth, laid out by the package phase. */
    static Path home() {
        String p = System.getProperty("hearth.dist");
        assertTrue(p != null, "system property hearth.dist is not set: run through 'mvn verify' in dist");
        Path home = Path.of(p);
        assertTrue(Files.isDirectory(home.resolve("bundle")), "no distribution at " + home + ": run 'mvn package' first");
        return home;
    }

    /** A test plugin jar by module name, e.g. {@code echo-backend}. */
    /**
     * The shared test data ({@code -Dhearth.shared}, by default ../shared beside the repository), or a skipped test
     * naming the first of {@code needed} (paths inside it) that is missing.
     */
    static Path shared(String... needed) {
        String prop = System.getProperty("hearth.shared");
        Path shared = Path.of(prop == null ? "../../shared" : prop);
        for (String n : needed) {
            Path p = shared.resolve(n);
            assumeTrue(Files.exists(p), "shared test data not found: " + p.toAbsolutePath() + " (set -Dhearth.shared=DIR)");
        }
        return shared;
    }

    static Path testPlugin(String name) {
        Path jar = Path.of(System.getProperty("hearth.test.plugins"), "hearth-test-plugin-" + name + ".jar");
        assertTrue(Files.isRegularFile(jar), "test plugin not built: " + jar);
        return jar;
    }

    /** Polls {@code condition} until it holds or {@code wait} has passed; fails with {@code what}. */
    static void await(Duration wait, BooleanSupplier condition, Supplier<String> what) {
        long end = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("waited " + wait.toSeconds() + " s for: " + what.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for: " + what.get());
            }
        }
    }
}
