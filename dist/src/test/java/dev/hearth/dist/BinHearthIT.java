package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code target/hearth/bin/hearth} as a user would and checks exit codes and what reaches the terminal. Each run
 * gets a deploy/ folder of its own through {@code HEARTH_OPTS}, so the distribution's own deploy/ stays empty.
 */
class BinHearthIT {
    @TempDir
    Path work;
    Path deploy;

    @BeforeEach
    void deployFolder() throws IOException {
        deploy = Files.createDirectories(work.resolve("deploy"));
    }

    HearthRunner.Result hearth(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return new HearthRunner(work, deploy).run(env, args);
    }

    HearthRunner.Result hearth(String... args) throws IOException, InterruptedException {
        return hearth(Map.of(), args);
    }

    @Test
    void backendsListsAPluginFromDeployAndExitsZero() throws Exception {
        Files.copy(Dist.testPlugin("echo-backend"), deploy.resolve("echo-backend.jar"));
        HearthRunner.Result r = hearth("backends");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("test-echo ") && l.contains("CPU") && l.endsWith("echo")),
                "one line for test-echo with its device and formats\n" + r);
        assertTrue(r.noStackTrace(), r.toString());
    }

    @Test
    void verifyOnAFileNoFormatAcceptsFailsWithOneLine() throws Exception {
        Path file = Files.writeString(work.resolve("notes.txt"), "not a model", StandardCharsets.UTF_8);
        HearthRunner.Result r = hearth("verify", file.toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), "one line\n" + r);
        assertTrue(r.err().contains("notes.txt") && r.err().contains("verify"), r.toString());
        assertTrue(r.noStackTrace(), r.toString());
    }

    @Test
    void verifyOnAMissingFileFailsWithOneLine() throws Exception {
        HearthRunner.Result r = hearth("verify", "no-such-model.gguf");
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), "one line\n" + r);
        assertTrue(r.err().contains("no such file") && r.err().contains("no-such-model.gguf"), r.toString());
        assertTrue(r.noStackTrace(), r.toString());
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        HearthRunner.Result r = hearth("frobnicate");
        assertEquals(2, r.code(), r.toString());
        assertEquals(List.of("hearth: unknown command 'frobnicate' (try 'hearth help')"), r.errLines());
    }

    @Test
    void badOptionIsAUsageErrorAndVerboseShowsDetails() throws Exception {
        HearthRunner.Result r = hearth("--timeout", "soon", "backends");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.noStackTrace(), r.toString());
    }

    @Test
    void helpListsTheBuiltInCommands() throws Exception {
        HearthRunner.Result r = hearth("help");
        assertEquals(0, r.code(), r.toString());
        for (String c : List.of("backends", "formats", "verify", "info", "help", "console", "serve")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + c + " ")), c + " listed\n" + r);
        }
    }

    @Test
    void withoutJdk25ItStopsWithOneLine() throws Exception {
        // a fake JDK 17 as JAVA_HOME and on PATH, and nothing to find in the search folder
        Path fake = Files.createDirectories(work.resolve("jdk17/bin"));
        Path java = fake.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.9\" 2023-10-17' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        HearthRunner.Result r = hearth(Map.of("JAVA_HOME", work.resolve("jdk17").toString(),
                "PATH", fake + ":/usr/bin:/bin", "HEARTH_JDK_SEARCH", work.resolve("none").toString()), "backends");
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().startsWith("hearth: needs a JDK 25") && r.err().contains("Java 17"), r.toString());
    }

    /** The heap takes transparent huge pages exactly where the OS offers them (madvise or always). */
    @Test
    void theHeapTakesTransparentHugePagesWhereTheOsOffersThem() throws Exception {
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean offered = Files.isReadable(thp) && Files.readString(thp).matches("(?s).*\\[(always|madvise)\\].*");
        HearthRunner.Result r = hearth(Map.of("HEARTH_OPTS", "-XX:+PrintFlagsFinal"), "help");
        assertEquals(0, r.code(), r.toString());
        // the JVM prints its flags where its other output goes: stderr, as bin/hearth sets it
        List<String> flag = (r.out() + r.err()).lines().filter(l -> l.contains(" UseTransparentHugePages ")).toList();
        assertEquals(1, flag.size(), r.toString());
        assertTrue(flag.get(0).matches("\\s*bool UseTransparentHugePages\\s*=\\s*" + offered + "\\s.*"),
                "offered by " + thp + ": " + offered + "; " + flag);
    }

    /** ONNX Runtime's loader leaves an empty folder in tmp/ at every start; the next start removes the stale ones. */
    @Test
    void aStartRemovesStaleEmptyOnnxRuntimeFoldersOnly() throws Exception {
        Path tmp = Dist.home().resolve("tmp");
        Path stale = Files.createDirectories(tmp.resolve("onnxruntime-java-test-stale"));
        Path young = Files.createDirectories(tmp.resolve("onnxruntime-java-test-young"));
        Path full = Files.createDirectories(tmp.resolve("onnxruntime-java-test-full"));
        Files.writeString(full.resolve("keep.txt"), "not empty");
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(stale, hourAgo);
        Files.setLastModifiedTime(full, hourAgo);
        try {
            HearthRunner.Result r = hearth("backends");
            assertEquals(0, r.code(), r.toString());
            assertFalse(Files.exists(stale), "an empty folder an hour old is removed");
            assertTrue(Files.exists(young), "an empty folder of a starting process stays");
            assertTrue(Files.exists(full.resolve("keep.txt")), "a folder with files stays");
        } finally {
            Files.deleteIfExists(full.resolve("keep.txt"));
            for (Path p : List.of(stale, young, full)) Files.deleteIfExists(p);
        }
    }

    @Test
    void serveRunsUntilSigtermThenStopsCleanly() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Dist.home().resolve("bin/hearth").toString(), "serve")
                .directory(work.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path cache = work.resolve("cache");
        pb.environment().put("HEARTH_OPTS", "-Dhearth.dir.deploy=" + deploy + " -Dhearth.dir.cache=" + cache);
        Path err = work.resolve("serve-err.txt");
        pb.redirectErrorStream(true).redirectOutput(err.toFile());
        Process p = pb.start();
        try {
            Dist.await(Duration.ofSeconds(60), () -> read(err).contains("serving"), () -> "serve started\n" + read(err));
            Files.copy(Dist.testPlugin("echo-backend"), deploy.resolve("echo-backend.jar"));
            Dist.await(Duration.ofSeconds(30), () -> read(err).contains("Started bundle"),
                    () -> "plugin started while serving\n" + read(err));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM\n" + read(err));
        } finally {
            p.destroyForcibly();
        }
        assertTrue(read(err).contains("stopping"), read(err));
        assertFalse(read(err).contains("\tat "), read(err));
        assertFalse(Files.exists(cache.resolve(Long.toString(p.pid()))), "framework cache removed");
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
