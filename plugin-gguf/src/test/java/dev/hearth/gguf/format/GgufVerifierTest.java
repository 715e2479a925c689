package dev.hearth.gguf.format;

import dev.hearth.api.model.VerificationReport.Problem;
import dev.hearth.api.model.VerificationReport.Severity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufVerifierTest {

    @TempDir
    Path dir;

    private List<Problem> verify(GgufTestWriter w) {
        return GgufVerifier.verify(GgufFixtures.write(dir, "v.gguf", w.build()));
    }

    private static void assertHas(List<Problem> problems, Severity severity, String item,
                                  String text) {
        assertTrue(problems.stream().anyMatch(p -> p.severity() == severity && p.item().equals(item)
                && p.message().contains(text)), () -> "no " + severity + " " + item + " '" + text + "' in " + problems);
    }

    @Test
    void tinyLlamaIsClean() {
        assertEquals(List.of(), verify(GgufFixtures.tinyLlama()));
    }

    @Test
    void duplicateKeyIsReportedAndTheRestStillChecked() {
        GgufTestWriter w = GgufFixtures.tinyLlama().string("llama.block_count", "two");
        List<Problem> problems = verify(w);
        assertHas(problems, Severity.ERROR, "key 'llama.block_count'", "duplicate key");
        assertEquals(1, problems.size(), problems::toString);
    }

    @Test
    void wrongShapesMissingTensorsAndBadTokenIds() {
        GgufTestWriter w = new GgufTestWriter()
                .string(GgufNames.ARCHITECTURE, "llama")
                .u32("llama.context_length", 128)
                .u32("llama.embedding_length", 32)
                .u32("llama.block_count", 1)
                .string("llama.feed_forward_length", "64")
                .u32("llama.attention.head_count", 4)
                .u32("llama.attention.head_count_kv", 3)
                .string(GgufNames.TOKENIZER_MODEL, "llama")
                .array(GgufNames.TOKENS, GgufArray.ofStrings("a", "b"))
                .array(GgufNames.SCORES, GgufArray.ofFloats(0f))
                .u32("tokenizer.ggml.eos_token_id", 7)
                .tensor(GgufNames.TOKEN_EMBD, GgmlType.F32, 32, 3)
                .tensor("blk.0.attn_q.weight", GgmlType.IQ4_NL, 32, 32)
                .tensor("blk.1.attn_q.weight", GgmlType.F32, 32);
        List<Problem> problems = verify(w);
        assertHas(problems, Severity.ERROR, "key 'llama.attention.layer_norm_rms_epsilon'", "missing");
        assertHas(problems, Severity.ERROR, "key 'llama.feed_forward_length'",
                "expected an integer, found STRING");
        assertHas(problems, Severity.ERROR, "key 'tokenizer.ggml.scores'", "has 1 entries");
        assertHas(problems, Severity.ERROR, "key 'tokenizer.ggml.eos_token_id'", "outside the vocabulary");
        assertHas(problems, Severity.UNSUPPORTED, "tensor 'blk.0.attn_q.weight'", "IQ4_NL");
    }

    @Test
    void shapesAreCheckedWhenTheKeysAreComplete() {
        GgufTestWriter w = GgufFixtures.tinyLlama();
        w.tensor("blk.7.extra.weight", GgmlType.F32, 4);
        byte[] b = w.build();
        // blk.0.attn_k.weight: [32, 16] -> [32, 32] would break the layout, so rename it instead
        b[w.mark("tensor:blk.0.attn_k.weight") + 8 + "blk.0.attn_".length()] = 'x';
        // blk.1.ffn_down.weight: [64, 32] -> dims patched to [32, 64]
        GgufTestWriter.putU64(b, w.mark("tensor:blk.1.ffn_down.weight:ne"), 32);
        GgufTestWriter.putU64(b, w.mark("tensor:blk.1.ffn_down.weight:ne") + 8, 64);
        List<Problem> problems = GgufVerifier.verify(GgufFixtures.write(dir, "s.gguf", b));
        assertHas(problems, Severity.ERROR, "tensor 'blk.0.attn_k.weight'", "missing (expected shape [32, 16])");
        assertHas(problems, Severity.ERROR, "tensor 'blk.1.ffn_down.weight'",
                "shape [32, 64] differs from the expected [64, 32]");
        assertHas(problems, Severity.WARNING, "tensor 'blk.7.extra.weight'", "beyond block_count 2");
    }

    @Test
    void tiedOutputIsFine() {
        GgufTestWriter w = GgufFixtures.tinyLlama();
        byte[] b = w.build();
        b[w.mark("tensor:output.weight") + 8] = 'X';   // "Xutput.weight": output is absent, tied to token_embd
        assertEquals(List.of(), GgufVerifier.verify(GgufFixtures.write(dir, "tied.gguf", b)));
    }

    @Test
    void summaryOfTinyLlama() throws Exception {
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "sum.gguf", GgufFixtures.tinyLlama().build()))) {
            GgufSummary s = GgufSummary.of(f);
            assertEquals("llama", s.architecture());
            assertEquals("tiny", s.name());
            assertEquals("Q8_0", s.fileType());
            assertEquals(128, s.contextLength());
            assertEquals("llama", s.tokenizerModel());
            assertEquals(8, s.vocabSize());
            assertEquals(List.of(new GgufSummary.SpecialToken("bos", 1, "<s>"),
                    new GgufSummary.SpecialToken("eos", 2, "</s>")), s.specialTokens());
            assertEquals(2L * 32 * 8 + 32 + 2 * (2 * 32 + 2 * 32 * 32 + 2 * 32 * 16 + 3 * 32 * 64),
                    s.parameterCount());
            assertEquals(5, s.quantization().get(GgmlType.F32).tensors());
            assertEquals(1, s.quantization().get(GgmlType.F16).tensors());
            assertEquals("{{ messages }}", s.chatTemplate().orElseThrow());
            String text = s.toText();
            assertTrue(text.contains("Q8_0 (general.file_type 7)"), text);
            assertTrue(text.contains("bos 1 '<s>'"), text);
            System.out.println(text);
        }
    }

    @Test
    void fileTypeLabels() {
        assertEquals("Q4_K_M", GgufFileType.label(15));
        assertEquals("F16", GgufFileType.label(1));
        assertEquals("BF16", GgufFileType.label(32));
        assertEquals("Q8_0", GgufFileType.label(7));
        assertEquals("unknown (id 999)", GgufFileType.label(999));
    }
}
