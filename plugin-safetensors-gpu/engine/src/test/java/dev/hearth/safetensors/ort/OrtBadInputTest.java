package dev.hearth.safetensors.ort;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.session.Session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad input gives a clear error naming file and field: never an OutOfMemoryError or a JVM crash. */
class OrtBadInputTest {

    /** A corruption of a copy of TinyStories-656K's folder, and what the error must name. */
    enum Corruption {
        TRUNCATED_WEIGHTS("model.safetensors") {
            @Override
            void apply(Path dir) throws IOException {
                try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
                    ch.truncate(ch.size() / 2);
                }
            }
        },
        HIDDEN_SIZE_DISAGREES("hidden_size") {
            @Override
            void apply(Path dir) throws IOException {
                edit(dir.resolve("config.json"), "\"hidden_size\": 128", "\"hidden_size\": 96");
            }
        },
        MORE_LAYERS_THAN_STORED("model.layers.2") {
            @Override
            void apply(Path dir) throws IOException {
                edit(dir.resolve("config.json"), "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
            }
        },
        HUGE_VOCAB("vocab_size") {
            @Override
            void apply(Path dir) throws IOException {
                edit(dir.resolve("config.json"), "\"vocab_size\": 2048", "\"vocab_size\": 2000000000");
            }
        },
        UNSUPPORTED_ARCHITECTURE("architectures") {
            @Override
            void apply(Path dir) throws IOException {
                edit(dir.resolve("config.json"), "LlamaForCausalLM", "GPT2LMHeadModel");
            }
        },
        HEADER_GARBAGE("model.safetensors") {
            @Override
            void apply(Path dir) throws IOException {
                try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap("{\"x\":".getBytes(StandardCharsets.US_ASCII)), 8);
                }
            }
        };

        final String named;

        Corruption(String named) {
            this.named = named;
        }

        abstract void apply(Path dir) throws IOException;

        static void edit(Path file, String from, String to) throws IOException {
            String s = Files.readString(file);
            if (!s.contains(from)) {
                throw new IllegalStateException(file + " has no " + from);
            }
            Files.writeString(file, s.replace(from, to));
        }
    }

    @TempDir
    Path tmp;

    private Path copyOfTinyStories() throws IOException {
        Path src = OrtTestModels.model("models/tinystories-656k/hf");
        Path dst = tmp.resolve("hf");
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
                dst.resolve(f.getFileName()).toFile().setWritable(true);
            }
        }
        return dst;
    }

    private LoadedModel load(Path dir, Map<String, String> extra) throws IOException {
        return OrtBackend.cpu(tmp.resolve("cache")).load(OrtTestModels.describe(dir), new LoadOptions(0, 1, -1, extra));
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void corruptFolderIsRefusedWithFileAndField(Corruption c) throws IOException {
        Path dir = copyOfTinyStories();
        c.apply(dir);
        IOException e = assertThrows(IOException.class, () -> load(dir, Map.of()).close());
        assertTrue(e.getMessage().contains(c.named), c + ": message should name " + c.named + ": " + e.getMessage());
    }

    @Test
    void int4BlockSizeNotOfferedNamesTheChoices() throws IOException {
        Path dir = copyOfTinyStories();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(dir,
                Map.of(OrtBackend.OPTION_PRECISION, "int4", OrtBackend.OPTION_BLOCK_SIZE, "64")).close());
        assertTrue(e.getMessage().contains("64") && e.getMessage().contains("[32, 128]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> load(dir,
                Map.of(OrtBackend.OPTION_PRECISION, "int4", OrtBackend.OPTION_BLOCK_SIZE, "big")).close());
        assertTrue(e.getMessage().contains(OrtBackend.OPTION_BLOCK_SIZE), e.getMessage());
    }

    @Test
    void unknownPrecisionNamesTheChoices() throws IOException {
        Path dir = copyOfTinyStories();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(dir, Map.of(OrtBackend.OPTION_PRECISION, "int8")).close());
        assertTrue(e.getMessage().contains("fp32, fp16, int4"), e.getMessage());
    }

    @Test
    void contextBeyondMaxPositionsIsRefused() throws IOException {
        Path dir = copyOfTinyStories();
        IOException e = assertThrows(IOException.class, () -> OrtBackend.cpu(tmp.resolve("cache"))
                .load(OrtTestModels.describe(dir), new LoadOptions(4096, 1, -1, Map.of())).close());
        assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
    }

    @Test
    void corruptCachedGraphIsAnErrorNotACrash() throws IOException {
        Path dir = copyOfTinyStories();
        Path cache = tmp.resolve("cache");
        load(dir, Map.of()).close();
        try (Stream<Path> s = Files.walk(cache)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals("model.onnx")).toList()) {
                Files.write(p, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
        }
        IOException e = assertThrows(IOException.class, () -> load(dir, Map.of()).close());
        assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    }

    @Test
    void badTokenIdAndOverflowAreRefusedBeforeRunning() throws IOException {
        Path dir = copyOfTinyStories();
        try (LoadedModel m = load(dir, Map.of()); Session s = m.newSession()) {
            assertThrows(IllegalArgumentException.class,
                    () -> s.evaluate(new int[] {1, 5000}, 0, 2, Session.LogitsMode.LAST, (i, l) -> { }));
            assertThrows(dev.hearth.api.session.ContextOverflowException.class,
                    () -> s.evaluate(new int[600], 0, 600, Session.LogitsMode.NONE, (i, l) -> { }));
            s.close();
            assertThrows(IllegalStateException.class,
                    () -> s.evaluate(new int[] {1}, 0, 1, Session.LogitsMode.NONE, (i, l) -> { }));
        }
    }
}
