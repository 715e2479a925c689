package dev.hearth.gguf.format;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.llama.LlamaConfig;
import dev.hearth.gguf.llama.LlamaLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rope_freqs.weight} as the CPU engine reads it: optional, F32, rope.dimension_count / 2 values. */
class GgufRopeFreqsTest {
    /** The fixture's rope.dimension_count is its head size, 8: four rotated pairs. */
    static final int PAIRS = GgufFixtures.EMBD / GgufFixtures.HEADS / 2;

    @TempDir
    Path dir;

    private GgufException loadError(GgmlType type, long n) throws Exception {
        byte[] bytes = GgufFixtures.tinyLlama().tensor(GgufNames.ROPE_FREQS, type, n).build();
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "r.gguf", bytes))) {
            LlamaConfig c = LlamaLoader.config(f);
            return assertThrows(GgufException.class, () -> LlamaLoader.weights(f, c));
        }
    }

    @Test
    void aTypeOtherThanF32IsRefusedByName() throws Exception {
        String m = loadError(GgmlType.F16, PAIRS).getMessage();
        assertTrue(m.contains("r.gguf") && m.contains("rope_freqs.weight") && m.contains("F32"), m);
    }

    @Test
    void aLengthOtherThanHalfTheRopeDimensionIsRefused() throws Exception {
        String m = loadError(GgmlType.F32, PAIRS + 1).getMessage();
        assertTrue(m.contains("rope_freqs.weight") && m.contains("expected [" + PAIRS + "]"), m);
    }

    @Test
    void withoutTheTensorThereAreNoFactors() throws Exception {
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "n.gguf", GgufFixtures.tinyLlama().build()))) {
            assertNull(LlamaLoader.weights(f, LlamaLoader.config(f)).ropeFreqs());
            String text = GgufSummary.of(f).toText();
            assertTrue(text.contains("rope            freq_base 10000.0\n"), text);
        }
    }

    @Test
    void infoShowsTheFactors() throws Exception {
        byte[] bytes = GgufFixtures.tinyLlama().tensor(GgufNames.ROPE_FREQS, GgmlType.F32, PAIRS).build();
        Path file = GgufFixtures.write(dir, "r.gguf", bytes);
        try (GgufFile f = GgufFile.open(file)) {
            String text = GgufSummary.of(f).toText();
            assertTrue(text.contains("rope_freqs.weight (4 frequency factors)"), text);
        }
        // backends see it in the model description
        String rope = new GgufModelFormat().describe(file).properties().get(GgufModelFormat.PROP_ROPE);
        assertTrue(rope != null && rope.contains(GgufNames.ROPE_FREQS), rope);
    }
}
