package dev.hearth.host.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.model.VerificationReport.Severity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {
    @TempDir
    Path dir;
    final Fakes f = new Fakes();

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x");
    }

    @Test
    void verifyPrintsOkWhenSound() throws Exception {
        file("m.gguf");
        f.lookup.add(ModelFormat.class, new Fakes.Format("gguf", List.of()));
        assertEquals(HearthCommand.OK, new VerifyCommand().execute(f.context(dir), List.of("m.gguf")));
        assertEquals("m.gguf: OK (gguf)", f.out().strip());
    }

    @Test
    void verifyPrintsEveryProblemAndFails() throws Exception {
        file("m.gguf");
        f.lookup.add(ModelFormat.class, new Fakes.Format("gguf", List.of(
                new VerificationReport.Problem(Severity.ERROR, 0x10, "tensor 'a'", "offset not aligned"),
                new VerificationReport.Problem(Severity.WARNING, ModelFileException.NO_OFFSET, "", "odd"))));
        assertEquals(HearthCommand.FAILURE, new VerifyCommand().execute(f.context(dir), List.of("m.gguf")));
        assertEquals(List.of("m.gguf: ERROR @0x10: tensor 'a': offset not aligned", "m.gguf: WARNING: odd"),
                f.out().lines().toList());
        assertTrue(f.err().contains("2 problems"), f.err());
    }

    @Test
    void verifyPassesWithWarningsOnly() throws Exception {
        file("m.gguf");
        f.lookup.add(ModelFormat.class, new Fakes.Format("gguf", List.of(
                new VerificationReport.Problem(Severity.WARNING, 4, "key", "unusual"))));
        assertEquals(HearthCommand.OK, new VerifyCommand().execute(f.context(dir), List.of("m.gguf")));
        assertEquals(List.of("m.gguf: WARNING @0x4: key: unusual", "m.gguf: OK (gguf), 1 warning"),
                f.out().lines().toList());
    }

    @Test
    void verifyNamesWhatIsMissing() throws Exception {
        file("notes.txt");
        assertEquals(HearthCommand.FAILURE, new VerifyCommand().execute(f.context(dir), List.of("nothing.gguf")));
        assertTrue(f.err().contains("no such file or folder") && f.err().contains("nothing.gguf"), f.err());

        f.err.reset();
        assertEquals(HearthCommand.FAILURE, new VerifyCommand().execute(f.context(dir), List.of("notes.txt")));
        assertTrue(f.err().contains("no model format is installed"), f.err());

        f.err.reset();
        f.lookup.add(ModelFormat.class, new Fakes.Format("gguf", List.of()));
        f.lookup.add(ModelFormat.class, new Fakes.Format("safetensors", List.of()));
        assertEquals(HearthCommand.FAILURE, new VerifyCommand().execute(f.context(dir), List.of("notes.txt")));
        assertEquals("hearth verify: no installed model format accepts " + dir.resolve("notes.txt")
                + " (installed: gguf, safetensors)", f.err().strip());
        assertEquals(HearthCommand.USAGE, new VerifyCommand().execute(f.context(dir), List.of()));
    }

    @Test
    void infoPrintsTheFormatsSummary() throws Exception {
        file("m.gguf");
        f.lookup.add(ModelFormat.class, new Fakes.Format("gguf", List.of()));
        assertEquals(HearthCommand.OK, new InfoCommand().execute(f.context(dir), List.of("m.gguf")));
        assertEquals(List.of("format gguf", "file m.gguf"), f.out().lines().toList());
    }

    @Test
    void backendsOneLineEachSorted() {
        f.lookup.add(Backend.class, new Fakes.FakeBackend("gguf-cuda", 1, Set.of("gguf")));
        f.lookup.add(Backend.class, new Fakes.FakeBackend("gguf-cpu", 0, Set.of("gguf", "bin")));
        assertEquals(HearthCommand.OK, new BackendsCommand().execute(f.context(dir), List.of()));
        List<String> lines = f.out().lines().toList();
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("gguf-cpu ") && lines.get(0).contains("CPU (4 cores, 256-bit SIMD)")
                && lines.get(0).endsWith("bin,gguf"), lines.toString());
        assertTrue(lines.get(1).startsWith("gguf-cuda"), lines.toString());
    }

    @Test
    void emptyListsSaySo() {
        assertEquals(HearthCommand.OK, new BackendsCommand().execute(f.context(dir), List.of()));
        assertEquals(HearthCommand.OK, new FormatsCommand().execute(f.context(dir), List.of()));
        assertEquals("", f.out());
        assertTrue(f.err().contains("no backends installed") && f.err().contains("no model formats installed"));
    }

    @Test
    void formatsNameTheirBackends() {
        f.lookup.add(ModelFormat.class, new Fakes.Format("gguf", List.of()));
        f.lookup.add(Backend.class, new Fakes.FakeBackend("gguf-cpu", 0, Set.of("gguf")));
        assertEquals(HearthCommand.OK, new FormatsCommand().execute(f.context(dir), List.of()));
        assertEquals("gguf  backends: gguf-cpu", f.out().strip());
    }

    @Test
    void helpListsServicesAndHostModes() {
        f.lookup.add(HearthCommand.class, new VerifyCommand());
        assertEquals(HearthCommand.OK, new HelpCommand().execute(f.context(dir), List.of()));
        for (String c : List.of("verify", "console", "serve")) {
            assertTrue(f.out().lines().anyMatch(l -> l.startsWith("  " + c + " ")), f.out());
        }
        assertEquals(HearthCommand.USAGE, new HelpCommand().execute(f.context(dir), List.of("nope")));
    }
}
