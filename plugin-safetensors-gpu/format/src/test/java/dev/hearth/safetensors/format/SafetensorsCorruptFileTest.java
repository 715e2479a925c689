package dev.hearth.safetensors.format;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.model.UnsupportedModelException;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.tokenizer.hf.HfTokenizers;

/** The catalogue of corrupt and unsupported inputs: each must fail with our exception naming file and field. */
class SafetensorsCorruptFileTest {

    /** How a case is opened. */
    enum Target { FILE, FOLDER, TOKENIZER }

    interface Maker {
        Path make(Path dir) throws IOException;
    }

    private static final String F32_16 = "{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[%d,%d]}";

    private static Path file(Path dir, byte[] bytes) throws IOException {
        return Files.write(dir.resolve("model.safetensors"), bytes);
    }

    private static Path rawFile(Path dir, String json, int dataBytes) throws IOException {
        return file(dir, SafetensorsTestWriter.raw(json, new byte[dataBytes]));
    }

    enum Corruption {
        FILE_SHORTER_THAN_LENGTH_FIELD(Target.FILE, ModelFileException.class, new String[] {"header_length"},
                dir -> file(dir, new byte[] {1, 2, 3})),
        HEADER_LENGTH_LARGER_THAN_FILE(Target.FILE, SafetensorsException.class, new String[] {"header_length", "exceeds the"},
                dir -> file(dir, SafetensorsTestWriter.withHeaderLength(40, "{}".getBytes(StandardCharsets.UTF_8)))),
        HUGE_HEADER_LENGTH(Target.FILE, SafetensorsException.class, new String[] {"header_length", "limit"},
                dir -> file(dir, SafetensorsTestWriter.withHeaderLength(Long.MAX_VALUE - 3, new byte[64]))),
        HEADER_NOT_AN_OBJECT(Target.FILE, SafetensorsException.class, new String[] {"header", "'{'"},
                dir -> rawFile(dir, "[1, 2]", 0)),
        MALFORMED_JSON(Target.FILE, SafetensorsException.class, new String[] {"header", "malformed JSON"},
                dir -> rawFile(dir, "{\"a\": {\"dtype\": \"F32\", \"shape\": [4],", 16)),
        DUPLICATE_TENSOR(Target.FILE, SafetensorsException.class, new String[] {"tensor 'a'", "duplicate"},
                dir -> rawFile(dir, "{\"a\":" + F32_16.formatted(0, 16) + ",\"a\":" + F32_16.formatted(0, 16) + "}", 16)),
        OFFSETS_OUT_OF_BOUNDS(Target.FILE, SafetensorsException.class, new String[] {"tensor 'a' data_offsets", "out of bounds"},
                dir -> rawFile(dir, "{\"a\":" + F32_16.formatted(0, 16) + "}", 8)),
        OFFSETS_OVERLAPPING(Target.FILE, SafetensorsException.class, new String[] {"tensor 'b' data_offsets", "overlaps tensor 'a'"},
                dir -> rawFile(dir, "{\"a\":" + F32_16.formatted(0, 16) + ",\"b\":" + F32_16.formatted(8, 24) + "}", 24)),
        OFFSETS_NOT_CONTIGUOUS(Target.FILE, SafetensorsException.class, new String[] {"tensor 'b' data_offsets", "not contiguous"},
                dir -> rawFile(dir, "{\"a\":" + F32_16.formatted(0, 16) + ",\"b\":" + F32_16.formatted(24, 40) + "}", 40)),
        OFFSETS_NOT_STARTING_AT_ZERO(Target.FILE, SafetensorsException.class, new String[] {"tensor 'a' data_offsets", "not contiguous"},
                dir -> rawFile(dir, "{\"a\":" + F32_16.formatted(4, 20) + "}", 20)),
        TRAILING_BYTES(Target.FILE, SafetensorsException.class, new String[] {"data", "not covered"},
                dir -> rawFile(dir, "{\"a\":" + F32_16.formatted(0, 16) + "}", 20)),
        DTYPE_SHAPE_MISMATCH(Target.FILE, SafetensorsException.class, new String[] {"tensor 'a' data_offsets", "F32 [4, 4] needs 64"},
                dir -> rawFile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4,4],\"data_offsets\":[0,32]}}", 32)),
        SHAPE_OVERFLOW(Target.FILE, SafetensorsException.class, new String[] {"tensor 'a' shape", "overflows"},
                dir -> rawFile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0)),
        NEGATIVE_SHAPE(Target.FILE, SafetensorsException.class, new String[] {"tensor 'a' shape"},
                dir -> rawFile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", 16)),
        UNKNOWN_DTYPE(Target.FILE, SafetensorsException.class, new String[] {"tensor 'a' dtype", "unknown dtype 'Q4_K'"},
                dir -> rawFile(dir, "{\"a\":{\"dtype\":\"Q4_K\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16)),
        METADATA_NOT_STRING(Target.FILE, SafetensorsException.class, new String[] {"__metadata__.format", "expected a string"},
                dir -> rawFile(dir, "{\"__metadata__\":{\"format\":1},\"a\":" + F32_16.formatted(0, 16) + "}", 16)),
        CONFIG_DISAGREES_WITH_TENSORS(Target.FOLDER, SafetensorsException.class,
                new String[] {"model.safetensors", "model.embed_tokens.weight' shape", "config.json implies [10, 8]", "hidden_size 8"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                            .replace("\"hidden_size\": 16", "\"hidden_size\": 8").replace("\"vocab_size\": 10", "\"vocab_size\": 10, \"head_dim\": 8"));
                    return dir;
                }),
        CONFIG_MISSING_TENSOR(Target.FOLDER, SafetensorsException.class, new String[] {"model.layers.1.input_layernorm.weight", "missing", "config.json"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                            .replace("\"num_hidden_layers\": 1", "\"num_hidden_layers\": 2"));
                    return dir;
                }),
        CONFIG_FIELD_MISSING(Target.FOLDER, SafetensorsException.class, new String[] {"config.json", "hidden_size", "missing"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                            .replace("\"hidden_size\": 16,", ""));
                    return dir;
                }),
        CONFIG_FIELD_MISTYPED(Target.FOLDER, SafetensorsException.class, new String[] {"config.json", "num_attention_heads", "integer"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                            .replace("\"num_attention_heads\": 2", "\"num_attention_heads\": \"two\""));
                    return dir;
                }),
        CONFIG_UNSUPPORTED_ARCHITECTURE(Target.FOLDER, UnsupportedModelException.class,
                new String[] {"config.json", "architectures", "'GPT2LMHeadModel' is not supported", "LlamaForCausalLM"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                            .replace("LlamaForCausalLM", "GPT2LMHeadModel"));
                    return dir;
                }),
        CONFIG_UNSUPPORTED_ROPE_SCALING(Target.FOLDER, UnsupportedModelException.class,
                new String[] {"config.json", "rope_scaling.rope_type", "'yarn'", "linear"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                            .replace("\"rope_theta\"", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}, \"rope_theta\""));
                    return dir;
                }),
        INDEX_MISSING_TENSOR(Target.FOLDER, SafetensorsException.class, new String[] {"model.safetensors.index.json", "weight_map.x", "no such tensor"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.move(dir.resolve("model.safetensors"), dir.resolve("model-00001-of-00001.safetensors"));
                    Files.writeString(dir.resolve("model.safetensors.index.json"),
                            "{\"metadata\": {}, \"weight_map\": {\"x\": \"model-00001-of-00001.safetensors\"}}");
                    return dir;
                }),
        INDEX_SHARD_ESCAPES_FOLDER(Target.FOLDER, SafetensorsException.class, new String[] {"model.safetensors.index.json", "weight_map.x", "plain file name"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("model.safetensors.index.json"),
                            "{\"weight_map\": {\"x\": \"../model.safetensors\"}}");
                    return dir;
                }),
        TOKENIZER_UNSUPPORTED_MODEL_TYPE(Target.TOKENIZER, UnsupportedModelException.class,
                new String[] {"tokenizer.json", "model.type", "'Unigram' is not supported (supported: BPE)"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("tokenizer.json"),
                            "{\"version\": \"1.0\", \"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", 0.0]]}}");
                    return dir;
                }),
        TOKENIZER_UNSUPPORTED_PRE_TOKENIZER(Target.TOKENIZER, UnsupportedModelException.class,
                new String[] {"tokenizer.json", "pre_tokenizer.pretokenizers[1].type", "'BertPreTokenizer'"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("tokenizer.json"), """
                            {"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                                {"type": "Digits", "individual_digits": true}, {"type": "BertPreTokenizer"}]},
                             "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""");
                    return dir;
                }),
        TOKENIZER_MERGE_NOT_IN_VOCAB(Target.TOKENIZER, ModelFileException.class,
                new String[] {"tokenizer.json", "model.merges[0]", "'b'"},
                dir -> {
                    SafetensorsTestWriter.llamaFolder(dir, 16, 32, 1, 2, 1, 10);
                    Files.writeString(dir.resolve("tokenizer.json"),
                            "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}");
                    return dir;
                });

        final Target target;
        final Class<? extends ModelFileException> exception;
        final String[] mentions;
        final Maker maker;

        Corruption(Target target, Class<? extends ModelFileException> exception, String[] mentions, Maker maker) {
            this.target = target;
            this.exception = exception;
            this.mentions = mentions;
            this.maker = maker;
        }
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void corruptInputFailsNamingFileAndField(Corruption c, @TempDir Path dir) throws IOException {
        Path path = c.maker.make(dir);
        ModelFileException e = assertThrows(ModelFileException.class, () -> {
            switch (c.target) {
                case FILE -> SafetensorsFile.open(path).close();
                case FOLDER -> HfModelFolder.open(path).close();
                case TOKENIZER -> HfTokenizers.load(path);
            }
        });
        assertInstanceOf(c.exception, e, e.toString());
        String fileName = c.target == Target.FILE ? "model.safetensors" : "";
        assertTrue(e.getMessage().contains(fileName), e.getMessage());
        assertTrue(e.file() != null, "the exception names its file");
        for (String m : c.mentions) {
            assertTrue(e.getMessage().contains(m), "'" + e.getMessage() + "' should mention '" + m + "'");
        }
        // verification finds the same input wanting, without throwing
        VerificationReport report = new SafetensorsModelFormat().verify(path);
        assertFalse(report.ok(), c + " should fail verification: " + report);
    }
}
