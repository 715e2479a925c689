package dev.hearth.host.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;

import org.junit.jupiter.api.Test;

class HearthCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final HearthCli cli = new HearthCli(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
            Path.of("/work"), Duration.ofSeconds(7));

    /** A command that records how it was called and then does what it is told. */
    static class Probe implements HearthCommand {
        final List<String> seen = new ArrayList<>();
        CommandContext context;
        Exception toThrow;

        @Override
        public String name() {
            return "probe";
        }

        @Override
        public String summary() {
            return "test";
        }

        @Override
        public int execute(CommandContext ctx, List<String> args) throws Exception {
            context = ctx;
            seen.addAll(args);
            if (toThrow != null) {
                throw toThrow;
            }
            ctx.out().println("probed");
            return OK;
        }
    }

    private int run(FakeLookup lookup, String... args) {
        return cli.run(args, lookup, () -> false);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsTheNamedCommandWithEverythingAfterIt() {
        Probe p = new Probe();
        int code = run(new FakeLookup().add(HearthCommand.class, p), "--timeout", "3", "probe", "--verbose", "a");
        assertEquals(0, code);
        assertEquals(List.of("--verbose", "a"), p.seen);
        assertFalse(p.context.verbose(), "options after the command belong to it");
        assertEquals(Duration.ofSeconds(3), p.context.serviceTimeout());
        assertEquals(Path.of("/work"), p.context.workingDirectory());
        assertEquals(Path.of("/work/m.gguf"), p.context.resolve("m.gguf"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("probed"));
    }

    @Test
    void unknownCommandIsUsage() {
        FakeLookup lookup = new FakeLookup();
        assertEquals(HearthCommand.USAGE, run(lookup, "nope"));
        assertEquals("hearth: unknown command 'nope' (try 'hearth help')", err().strip());
        assertEquals(List.of(Duration.ofSeconds(7)), lookup.waits, "waits for commands of bundles still starting");
    }

    @Test
    void oddNamesNeverReachAFilter() {
        FakeLookup lookup = new FakeLookup();
        assertEquals(HearthCommand.USAGE, run(lookup, "a)(b"));
        assertTrue(lookup.waits.isEmpty());
    }

    @Test
    void noCommandAndBadOptionsAreUsage() {
        assertEquals(HearthCommand.USAGE, run(new FakeLookup()));
        assertTrue(err().contains("Usage: hearth"));
        err.reset();
        assertEquals(HearthCommand.USAGE, run(new FakeLookup(), "--timeout", "soon", "x"));
        assertEquals(1, err().strip().lines().count(), err());
        err.reset();
        assertEquals(HearthCommand.USAGE, run(new FakeLookup(), "--timeout", "-1", "x"));
        err.reset();
        assertEquals(HearthCommand.USAGE, run(new FakeLookup(), "--frobnicate", "x"));
        assertTrue(err().startsWith("hearth: "), err());
    }

    @Test
    void exceptionsAreOneLineUnlessVerbose() {
        Probe p = new Probe();
        p.toThrow = new IllegalStateException("model is broken");
        assertEquals(HearthCommand.FAILURE, run(new FakeLookup().add(HearthCommand.class, p), "probe"));
        assertEquals("error: model is broken", err().strip());

        err.reset();
        p.toThrow = new NoSuchFileException("/m/x.gguf");
        assertEquals(HearthCommand.FAILURE, run(new FakeLookup().add(HearthCommand.class, p), "-v", "probe"));
        assertTrue(err().startsWith("error: no such file: /m/x.gguf"), err());
        assertTrue(err().contains("\tat "), "stack trace with --verbose");
    }

    @Test
    void anErrorWithoutMessageTellsItsCause() {
        assertEquals("hearth.f16.convert=fast: expected scaled, loop or vector", HearthCli.message(
                new ExceptionInInitializerError(new IllegalArgumentException(
                        "hearth.f16.convert=fast: expected scaled, loop or vector"))));
        assertEquals("ExceptionInInitializerError", HearthCli.message(new ExceptionInInitializerError((String) null)));
    }

    @Test
    void helpOptionRunsHelp() {
        Probe help = new Probe() {
            @Override
            public String name() {
                return "help";
            }
        };
        assertEquals(0, run(new FakeLookup().add(HearthCommand.class, help), "--help"));
        assertEquals(List.of(), help.seen);
    }
}
