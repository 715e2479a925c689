package dev.hearth.gguf.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.hearth.api.command.CommandContext;

/** A command context for tests: captured out and err, a working directory, no services. */
public final class TestCommandContext implements CommandContext {
    private final Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    public TestCommandContext(Path dir) { this.dir = dir; }

    public String outText() { return out.toString(StandardCharsets.UTF_8); }

    public String errText() { return err.toString(StandardCharsets.UTF_8); }

    @Override public PrintStream out() { return outStream; }
    @Override public PrintStream err() { return errStream; }
    @Override public InputStream in() { return new ByteArrayInputStream(new byte[0]); }
    @Override public Path workingDirectory() { return dir; }
    @Override public boolean verbose() { return false; }
    @Override public Duration serviceTimeout() { return Duration.ZERO; }
    @Override public <T> List<T> services(Class<T> type, String filter, Duration wait) { return List.of(); }
    @Override public boolean cancelled() { return false; }
}
