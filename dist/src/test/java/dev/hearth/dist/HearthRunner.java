package dev.hearth.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code target/hearth/bin/hearth} as a user would, in a working folder of the test's, with a deploy/ folder of
 * its own (through {@code HEARTH_OPTS}) so the distribution's own deploy/ stays empty.
 */
final class HearthRunner {
    private static final Duration RUN_LIMIT = Duration.ofSeconds(300);

    private final Path work;
    private final Path deploy;

    HearthRunner(Path work, Path deploy) {
        this.work = work;
        this.deploy = deploy;
    }

    record Result(int code, String out, String err) {
        /** No Java stack trace reached the terminal. */
        boolean noStackTrace() {
            return !err.contains("\tat ") && !err.contains("Exception") && !out.contains("\tat ");
        }

        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Dist.home().resolve("bin/hearth").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("HEARTH_OPTS", "-Dhearth.dir.deploy=" + deploy + " -Dhearth.service.timeout=5");
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/hearth " + String.join(" ", args) + " ran over " + RUN_LIMIT);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }
}
