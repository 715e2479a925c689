package dev.hearth.host.commands;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.host.shell.FakeLookup;
import dev.hearth.host.shell.HostContext;

/** A context over captured streams and fake services. */
final class Fakes {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final FakeLookup lookup = new FakeLookup();

    HostContext context(Path cwd) {
        return new HostContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), cwd, false,
                Duration.ofSeconds(1), lookup, () -> false);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Claims files ending in {@code .id}; reports the given problems. */
    record Format(String id, List<VerificationReport.Problem> problems) implements ModelFormat {
        @Override
        public boolean probe(Path path) {
            return path.toString().endsWith("." + id);
        }

        @Override
        public VerificationReport verify(Path path) {
            return new VerificationReport(path, id, problems);
        }

        @Override
        public ModelDescription describe(Path path) throws IOException {
            throw new IOException("not needed");
        }

        @Override
        public String info(Path path) {
            return "format " + id + "\nfile " + path.getFileName() + "\n";
        }

        @Override
        public Tokenizer tokenizer(Path path) throws IOException {
            throw new IOException("not needed");
        }
    }

    record FakeBackend(String id, int index, Set<String> formats) implements Backend {
        @Override
        public DeviceInfo device() {
            return new DeviceInfo(DeviceInfo.Type.CPU, index, "cpu", 4, 256, 0, 0, "");
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public Support supports(ModelDescription model) {
            return Support.no("fake");
        }

        @Override
        public LoadedModel load(ModelDescription model, LoadOptions options) throws IOException {
            throw new IOException("fake");
        }
    }
}
