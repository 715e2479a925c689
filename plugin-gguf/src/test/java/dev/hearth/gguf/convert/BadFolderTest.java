package dev.hearth.gguf.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelFileException;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.synth.ByteLevelVocabulary;
import dev.hearth.gguf.synth.SynthModel;
import dev.hearth.gguf.synth.SynthPreset;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.testing.TestCommandContext;
import dev.hearth.gguf.writer.Progress;
import dev.hearth.rope.Llama3RopeScaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Broken Hugging Face folders: each gives an error naming the file and the field, and leaves no output. */
class BadFolderTest {

    /** A small geometry for fixtures: 2 layers of 64, vocabulary of 300, llama3 RoPE scaling. */
    static final SynthPreset TINY = new SynthPreset("tiny", "tiny", 64, 128, 2, 4, 2, 300, 128, 10000, 1e-5, false)
            .withRopeScaling(new Llama3RopeScaling(8, 1, 4, 64));

    @TempDir
    Path dir;

    enum Case {
        MISSING_CONFIG("config.json", "config.json") {
            @Override void breakIt(Path f) throws IOException { Files.delete(f.resolve("config.json")); }
        },
        MISSING_FIELD("config.json", "hidden_size") {
            @Override void breakIt(Path f) throws IOException { edit(f, "\"hidden_size\": 64,", ""); }
        },
        UNSUPPORTED_ARCHITECTURE("config.json", "architectures") {
            @Override void breakIt(Path f) throws IOException { edit(f, "LlamaForCausalLM", "GPT2LMHeadModel"); }
        },
        SHAPE_MISMATCH("model.safetensors", "mlp.gate_proj.weight") {
            @Override void breakIt(Path f) throws IOException { edit(f, "\"intermediate_size\": 128", "\"intermediate_size\": 96"); }
        },
        WRONG_VOCAB_SIZE("tokenizer.json", "vocab_size") {
            @Override void breakIt(Path f) throws IOException { edit(f, "\"vocab_size\": 300", "\"vocab_size\": 290"); }
        },
        MISSING_WEIGHTS("model.safetensors", "model.safetensors") {
            @Override void breakIt(Path f) throws IOException { Files.delete(f.resolve("model.safetensors")); }
        },
        MISSING_TOKENIZER("tokenizer.model", "tokenizer.json") {
            @Override void breakIt(Path f) throws IOException { Files.delete(f.resolve("tokenizer.json")); }
        },
        ROPE_FACTOR_BELOW_ONE("config.json", "rope_scaling.factor") {
            @Override void breakIt(Path f) throws IOException { edit(f, "\"factor\": 8.0", "\"factor\": 0.5"); }
        },
        ROPE_LOW_NOT_BELOW_HIGH("config.json", "rope_scaling.high_freq_factor") {
            @Override void breakIt(Path f) throws IOException { edit(f, "\"low_freq_factor\": 1.0", "\"low_freq_factor\": 4.0"); }
        },
        ROPE_MISSING_ORIGINAL("config.json", "rope_scaling.original_max_position_embeddings") {
            @Override void breakIt(Path f) throws IOException { edit(f, "\"original_max_position_embeddings\"", "\"original\""); }
        },
        ROPE_YARN("config.json", "rope_scaling.rope_type") {
            @Override void breakIt(Path f) throws IOException { edit(f, "\"llama3\"", "\"yarn\""); }
        },
        TRUNCATED_WEIGHTS("model.safetensors", "data_offsets") {
            @Override void breakIt(Path f) throws IOException {
                Path st = f.resolve("model.safetensors");
                byte[] b = Files.readAllBytes(st);
                Files.write(st, java.util.Arrays.copyOf(b, b.length - 100));
            }
        };

        final String file;
        final String field;

        Case(String file, String field) {
            this.file = file;
            this.field = field;
        }

        abstract void breakIt(Path folder) throws IOException;

        static void edit(Path folder, String from, String to) throws IOException {
            Path c = folder.resolve("config.json");
            String s = Files.readString(c);
            if (!s.contains(from)) throw new IllegalStateException("fixture config lacks " + from + ": " + s);
            Files.writeString(c, s.replace(from, to));
        }
    }

    private Path goodFolder() throws IOException {
        Path f = dir.resolve("hf");
        SynthModel m = new SynthModel(TINY, ByteLevelVocabulary.generate(300), Optional.empty(), 1);
        try (RowQuantizer rows = new RowQuantizer(2)) {
            m.writeSafetensors(f, GgmlType.F16, rows, Progress.NONE);
        }
        return f;
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void errorNamesFileAndFieldAndLeavesNoOutput(Case c) throws Exception {
        Path folder = goodFolder();
        c.breakIt(folder);
        Path outDir = Files.createDirectories(dir.resolve("out"));
        Path out = outDir.resolve("model.gguf");
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> HfToGgufConverterTest.convert(folder, out, QuantMix.F16));
        System.out.println(c + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(c.file), c + ": message should name " + c.file + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(c.field), c + ": message should name " + c.field + ": " + e.getMessage());
        try (var s = Files.list(outDir)) {
            assertEquals(List.of(), s.toList(), "no output left behind");
        }
    }

    @Test
    void theGoodFixtureConverts() throws Exception {
        Path out = dir.resolve("ok.gguf");
        HfToGgufConverterTest.convert(goodFolder(), out, QuantMix.Q8_0);
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void commandGivesOneLineAndExitCodes() throws Exception {
        Path folder = goodFolder();
        Files.delete(folder.resolve("config.json"));
        TestCommandContext ctx = new TestCommandContext(dir);
        assertEquals(HearthCommand.FAILURE, new ConvertCommand().execute(ctx, List.of("hf", "--out", "x.gguf")));
        assertEquals(1, ctx.errText().lines().count(), ctx.errText());
        assertTrue(ctx.errText().startsWith("convert: hf: config.json: missing"), ctx.errText());
        assertEquals(HearthCommand.USAGE, new ConvertCommand().execute(ctx, List.of("hf")));
        assertEquals(HearthCommand.USAGE, new ConvertCommand().execute(ctx, List.of("hf", "--out", "x", "--type", "Q9")));
        assertTrue(Files.notExists(dir.resolve("x.gguf")));
    }
}
