package dev.hearth.gguf.format;

import dev.hearth.api.model.VerificationReport.Problem;
import dev.hearth.api.model.VerificationReport.Severity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every GGUF file in the shared test data opens, verifies clean, and states the facts we know about it. */
class GgufSharedFilesTest {

    static Stream<Path> sharedGgufFiles() throws IOException {
        var shared = GgufFixtures.shared();
        if (shared.isEmpty()) {
            return Stream.of();
        }
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.walk(shared.get().resolve("models")),
                Files.walk(shared.get().resolve("vocab")))) {
            files = s.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        return files.stream();
    }

    private static Path model(String relative) {
        var shared = GgufFixtures.shared();
        Assumptions.assumeTrue(shared.isPresent(), "shared test data not found (set -Dhearth.shared)");
        Path p = shared.get().resolve("models").resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), p + " is missing");
        return p;
    }

    @Test
    void sharedDataIsPresent() {
        Assumptions.assumeTrue(GgufFixtures.shared().isPresent(), "shared test data not found (set -Dhearth.shared)");
    }

    @ParameterizedTest(allowZeroInvocations = true) // none without ../shared: sharedDataIsPresent reports the skip
    @MethodSource("sharedGgufFiles")
    void opensAndVerifiesWithoutErrors(Path file) throws Exception {
        try (GgufFile f = GgufFile.open(file)) {
            GgufSummary s = GgufSummary.of(f);
            assertFalse(s.toText().isEmpty());
            assertTrue(s.vocabSize() > 0, "every shared file has a vocabulary");
            for (GgufTensorInfo t : f.tensors()) {
                assertEquals(t.byteSize(), f.tensorData(t).byteSize());
            }
            System.out.println(s.toText());
        }
        List<Problem> problems = GgufVerifier.verify(file);
        problems.forEach(p -> System.out.println("  " + p));
        assertTrue(problems.stream().noneMatch(p -> p.severity() == Severity.ERROR), problems::toString);
    }

    @Test
    void stories260K() throws Exception {
        try (GgufFile f = GgufFile.open(model("stories260K/stories260K.gguf"))) {
            GgufMetadata md = f.metadata();
            assertEquals("llama", md.getString("general.architecture"));
            assertEquals(5, md.getInt("llama.block_count"));
            assertEquals(64, md.getInt("llama.embedding_length"));
            assertEquals(172, md.getInt("llama.feed_forward_length"));
            assertEquals(8, md.getInt("llama.attention.head_count"));
            assertEquals(4, md.getInt("llama.attention.head_count_kv"));
            assertEquals(512, md.getStringArray("tokenizer.ggml.tokens").size());
            assertEquals(512, md.getFloatArray("tokenizer.ggml.scores").length);
            assertEquals(512, md.getIntArray("tokenizer.ggml.token_type").length);
            assertEquals(1e-5f, md.getFloat("llama.attention.layer_norm_rms_epsilon"), 1e-9f);
            assertEquals(3 + 9 * 5, f.tensors().size());
            assertTrue(f.tensors().stream().allMatch(t -> t.type() == GgmlType.F32));
            assertEquals(Shape.of(64, 512), f.requireTensor("token_embd.weight").shape());
            assertTrue(f.tensor("output.weight").isPresent(), "separate output");
            GgufSummary s = GgufSummary.of(f);
            assertEquals(512, s.vocabSize());
            assertEquals(2048, s.contextLength());
            assertTrue(s.specialTokens().contains(new GgufSummary.SpecialToken("bos", 1, "<s>")));
        }
    }

    @Test
    void llamaMiniQ4KM() throws Exception {
        try (GgufFile f = GgufFile.open(model("llama-mini/llama-mini-Q4_K_M.gguf"))) {
            GgufSummary s = GgufSummary.of(f);
            assertTrue(s.quantization().containsKey(GgmlType.Q4_K), s.quantization()::toString);
            assertTrue(s.quantization().containsKey(GgmlType.Q6_K), s.quantization()::toString);
            assertEquals("Q4_K_M", s.fileType());
            assertEquals(3 + 9 * 4, f.tensors().size());
            assertEquals(32000, s.vocabSize());
            assertEquals(512, s.contextLength());
            assertTrue(s.chatTemplate().isPresent());
            long bytes = s.quantization().values().stream().mapToLong(GgufSummary.TypeUsage::bytes).sum();
            assertTrue(bytes <= f.fileSize() - f.dataOffset());
        }
    }

    @Test
    void llamaMiniF16() throws Exception {
        try (GgufFile f = GgufFile.open(model("llama-mini/llama-mini-F16.gguf"))) {
            GgufTensorInfo embd = f.requireTensor("token_embd.weight");
            assertEquals(Shape.of(256, 32000), embd.shape());
            assertEquals(GgmlType.F16, embd.type());
            assertEquals(4, f.metadata().getInt("llama.block_count"));
            assertEquals(256, f.metadata().getInt("llama.embedding_length"));
        }
    }

    @Test
    void vocabularyOnlyFile() throws Exception {
        var shared = GgufFixtures.shared();
        Assumptions.assumeTrue(shared.isPresent(), "shared test data not found (set -Dhearth.shared)");
        try (GgufFile f = GgufFile.open(shared.get().resolve("vocab/ggml-vocab-llama-spm.gguf"))) {
            assertEquals(0, f.tensors().size());
            assertEquals(32000, f.metadata().getStringArray("tokenizer.ggml.tokens").size());
            assertEquals(f.fileSize(), f.dataOffset());
        }
    }
}
