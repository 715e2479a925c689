package dev.hearth.gguf.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.gguf.format.GgufArray;
import dev.hearth.gguf.format.GgufException;
import dev.hearth.gguf.format.GgufMetadata;
import dev.hearth.gguf.format.GgufUnsupportedException;
import dev.hearth.gguf.format.GgufValueType;
import dev.hearth.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GgufVocabulariesTest {

    private static GgufMetadata.Entry entry(String key, GgufValueType type, Object value) {
        return new GgufMetadata.Entry(key, type, value, ModelFileException.NO_OFFSET);
    }

    private static List<GgufMetadata.Entry> base(String model, String... tokens) {
        List<GgufMetadata.Entry> e = new ArrayList<>();
        e.add(entry("tokenizer.ggml.model", GgufValueType.STRING, model));
        e.add(entry("tokenizer.ggml.tokens", GgufValueType.ARRAY, GgufArray.ofStrings(tokens)));
        return e;
    }

    private static GgufMetadata metadata(List<GgufMetadata.Entry> entries) {
        return new GgufMetadata(Path.of("test.gguf"), entries);
    }

    @Test
    void llamaDefaultsAsLlamaCpp() throws Exception {
        List<GgufMetadata.Entry> e = base("llama", "<unk>", "<s>", "</s>", "▁a");
        e.add(entry("tokenizer.ggml.scores", GgufValueType.ARRAY, GgufArray.ofInts(0, 0, 0, -5)));
        Vocabulary v = GgufVocabularies.fromMetadata(metadata(e));
        assertEquals("llama", v.kind());
        assertEquals(1, v.bos());
        assertEquals(2, v.eos());
        assertEquals(0, v.unk());
        assertEquals(-1, v.eot());
        assertTrue(v.addBos() && v.addSpacePrefix() && !v.addEos());
        assertArrayEquals(new float[] {0, 0, 0, -5}, v.scores(), "INT32 scores are accepted");
        assertNull(v.tokenTypes());
    }

    @Test
    void keysOverrideDefaultsAndBadIdsAreIgnored() throws Exception {
        List<GgufMetadata.Entry> e = base("gpt2", "a", "b", "ab", "<|eot|>");
        e.add(entry("tokenizer.ggml.pre", GgufValueType.STRING, "llama-bpe"));
        e.add(entry("tokenizer.ggml.merges", GgufValueType.ARRAY, GgufArray.ofStrings("a b")));
        e.add(entry("tokenizer.ggml.bos_token_id", GgufValueType.UINT32, 0L));
        e.add(entry("tokenizer.ggml.eos_token_id", GgufValueType.UINT32, 99L));
        e.add(entry("tokenizer.ggml.eot_token_id", GgufValueType.UINT32, 3L));
        e.add(entry("tokenizer.ggml.token_type", GgufValueType.ARRAY, GgufArray.ofInts(1, 1, 1, 3, 1)));
        Vocabulary v = GgufVocabularies.fromMetadata(metadata(e));
        assertEquals(0, v.bos());
        assertEquals(-1, v.eos(), "99 is outside; the gpt2 default 11 is outside too");
        assertEquals(3, v.eot());
        assertTrue(v.addBos(), "Llama 3 pre-tokenizers add BOS by default");
        assertFalse(v.addSpacePrefix());
        assertEquals(List.of("a b"), v.merges());
        assertEquals(4, v.tokenTypes().length, "longer type arrays are cut to the token count");
    }

    @Test
    void refusesUnsupportedModelsAndPreTokenizers() {
        GgufUnsupportedException e = assertThrows(GgufUnsupportedException.class,
                () -> GgufVocabularies.fromMetadata(metadata(base("bert", "a"))));
        assertTrue(e.getMessage().contains("'bert'") && e.getMessage().contains("gpt2"), e.getMessage());
        List<GgufMetadata.Entry> entries = base("gpt2", "a");
        entries.add(entry("tokenizer.ggml.pre", GgufValueType.STRING, "martian"));
        entries.add(entry("tokenizer.ggml.merges", GgufValueType.ARRAY, GgufArray.ofStrings()));
        GgufUnsupportedException p = assertThrows(GgufUnsupportedException.class,
                () -> GgufVocabularies.fromMetadata(metadata(entries)));
        assertTrue(p.getMessage().contains("martian") && p.getMessage().contains("qwen2"), p.getMessage());
    }

    @Test
    void refusesInconsistentMetadata() {
        GgufException noMerges = assertThrows(GgufException.class,
                () -> GgufVocabularies.fromMetadata(metadata(base("gpt2", "a"))));
        assertTrue(noMerges.getMessage().contains("tokenizer.ggml.merges"), noMerges.getMessage());
        List<GgufMetadata.Entry> e = base("llama", "a", "b");
        e.add(entry("tokenizer.ggml.scores", GgufValueType.ARRAY, GgufArray.ofFloats(1f)));
        GgufException shortScores = assertThrows(GgufException.class,
                () -> GgufVocabularies.fromMetadata(metadata(e)));
        assertTrue(shortScores.getMessage().contains("tokenizer.ggml.scores"), shortScores.getMessage());
        List<GgufMetadata.Entry> f = base("llama", "a"); // default bos 1 is outside, and so is 7
        f.add(entry("tokenizer.ggml.add_bos_token", GgufValueType.BOOL, true));
        f.add(entry("tokenizer.ggml.bos_token_id", GgufValueType.UINT32, 7L));
        GgufException bos = assertThrows(GgufException.class, () -> GgufVocabularies.fromMetadata(metadata(f)));
        assertTrue(bos.getMessage().contains("addBos"), bos.getMessage());
    }
}
