package dev.hearth.safetensors.onnx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    final CommandContext ctx = new CommandContext() {
        final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        @Override public PrintStream out() { return o; }
        @Override public PrintStream err() { return e; }
        @Override public InputStream in() { return InputStream.nullInputStream(); }
        @Override public Path workingDirectory() { return tmp; }
        @Override public boolean verbose() { return false; }
        @Override public Duration serviceTimeout() { return Duration.ZERO; }
        @Override public <T> List<T> services(Class<T> type, String filter, Duration wait) { return List.of(); }
        @Override public boolean cancelled() { return false; }
    };

    private static Path tinyStories() {
        String s = System.getProperty("hearth.shared");
        assumeTrue(s != null && Files.isDirectory(Path.of(s, "models/tinystories-656k/hf")), "no shared test data");
        return Path.of(s, "models/tinystories-656k/hf");
    }

    @Test
    void exportsModelAndWeights() throws Exception {
        Path model = tinyStories();
        int rc = new ExportCommand().execute(ctx, List.of(model.toString(), "--out", "onnx", "--precision", "fp16"));
        assertEquals(HearthCommand.OK, rc, err.toString());
        assertTrue(Files.size(tmp.resolve("onnx/model.onnx")) > 1000);
        assertTrue(Files.size(tmp.resolve("onnx/weights.bin")) > 1_000_000, "F32 weights converted to F16");
    }

    @Test
    void exportsInt4() throws Exception {
        Path model = tinyStories();
        int rc = new ExportCommand().execute(ctx, List.of(model.toString(), "--out", "int4", "--precision", "int4",
                "--block-size", "128"));
        assertEquals(HearthCommand.OK, rc, err.toString());
        assertTrue(out.toString().contains("int4-b128-plain"), out.toString());
        // tinystories-656k: 2 layers of 4·128² + 3·128·384 weights plus a 2048·128 lm_head, half a byte each
        long weights = 2L * (4 * 128 * 128 + 3 * 128 * 384) + 2048L * 128;
        long bin = Files.size(tmp.resolve("int4/weights.bin"));
        assertTrue(bin > weights / 2 && bin < weights * 2 + 2048L * 128 * 4 + 200_000,
                "4-bit linear layers, F32 embedding and tables: " + bin);
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertEquals(HearthCommand.USAGE, new ExportCommand().execute(ctx, List.of("somewhere")));
        assertTrue(err.toString().contains("--out"), err.toString());
        assertEquals(HearthCommand.USAGE, new ExportCommand().execute(ctx, List.of("x", "--out", "y", "--precision", "int8")));
        assertEquals(HearthCommand.USAGE, new ExportCommand().execute(ctx, List.of("x", "--out", "y", "--precision", "int4",
                "--block-size", "48")));
        assertTrue(err.toString().contains("block size 48"), err.toString());
    }

    @Test
    void notAModelFolderFails() throws Exception {
        assertEquals(HearthCommand.FAILURE, new ExportCommand().execute(ctx, List.of(tmp.toString(), "--out", "y")));
        assertTrue(err.toString().contains("not a model folder"), err.toString());
    }
}
