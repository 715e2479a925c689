package dev.hearth.safetensors.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.tokenizer.Tokenizer;

/** The real Hugging Face folders of ../shared: config facts, tensor shapes, tokenizers against transformers. */
class HfSharedFoldersTest {
    private final SafetensorsModelFormat format = new SafetensorsModelFormat();

    static Path shared(String rel) {
        String root = System.getProperty("hearth.shared");
        Assumptions.assumeTrue(root != null, "system property hearth.shared is not set");
        Path p = Path.of(root).resolve(rel);
        Assumptions.assumeTrue(Files.exists(p), "shared test data absent: " + p);
        return p;
    }

    @Test
    void tinyStoriesFolder() throws IOException {
        Path folder = shared("models/tinystories-656k/hf");
        assertTrue(format.probe(folder));
        try (HfModelFolder m = HfModelFolder.open(folder)) {
            HfConfig c = m.config();
            assertEquals("LlamaForCausalLM", c.architecture());
            assertEquals(List.of(128, 384, 2, 8, 4, 16, 2048, 512),
                    List.of(c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                            c.numKeyValueHeads(), c.headDim(), c.vocabSize(), c.maxPositionEmbeddings()));
            assertEquals(1e-6, c.rmsNormEps());
            assertEquals(10000.0, c.ropeTheta());
            assertTrue(c.tieWordEmbeddings());
            assertTrue(c.ropeScaling().isEmpty());
            assertEquals("float32", c.torchDtype());
            assertEquals(1, c.bosTokenId());
            assertEquals(List.of(2), c.eosTokenIds());
            assertEquals(List.of(2), m.generationConfig().orElseThrow().eosTokenIds());
            assertTrue(m.tokenizerConfig().orElseThrow().addBosToken().orElseThrow());
            // only lm_head is stored; the embedding resolves to it through __metadata__
            SafetensorsCheckpoint ckpt = m.checkpoint();
            assertEquals("lm_head.weight", ckpt.aliases().get(HfTensorNames.EMBED_TOKENS));
            assertEquals(Shape.of(2048, 128), ckpt.entry(HfTensorNames.EMBED_TOKENS).orElseThrow().shape());
            assertEquals(Shape.of(64, 128), ckpt.entry(HfTensorNames.layer(HfTensorNames.K_PROJ, 1)).orElseThrow().shape());
            assertEquals(Shape.of(128, 384), ckpt.entry(HfTensorNames.layer(HfTensorNames.DOWN_PROJ, 0)).orElseThrow().shape());
            assertEquals(2048L * 128 * 4, ckpt.tensor(HfTensorNames.EMBED_TOKENS).byteSize());
        }
        VerificationReport report = format.verify(folder);
        assertTrue(report.ok(), report.toString());
        ModelDescription d = format.describe(folder);
        assertEquals("llama", d.architecture());
        assertEquals("F32", d.quantization());
        assertEquals(512, d.contextLength());
        assertEquals(2048L * 128 + 2 * (2 * 128 + 128 * 128 * 2 + 64 * 128 * 2 + 3 * 384 * 128) + 128, d.parameterCount());
        assertEquals(2048, d.tokenizer().vocabSize());
        assertEquals("<|start_story|>", d.tokenizer().specialTokens().get("bos"));
        assertTrue(format.info(folder).contains("LlamaForCausalLM"));
    }

    @Test
    void tinyStoriesTokenizerReproducesTransformers() throws IOException {
        Tokenizer tok = format.tokenizer(shared("models/tinystories-656k/hf"));
        int cases = 0;
        for (String line : Files.readAllLines(shared("reference/hf-greedy.jsonl"), StandardCharsets.UTF_8)) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (!o.get("model").getAsString().endsWith("tinystories-656k/hf")) {
                continue;
            }
            int[] ids = o.getAsJsonArray("prompt_tokens").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
            assertArrayEquals(ids, tok.encode(o.get("prompt").getAsString(), true, false));
            assertEquals(o.get("prompt").getAsString(), tok.decode(ids, false));
            cases++;
        }
        assertTrue(cases > 0);
    }

    @Test
    void llamaMiniFolder() throws IOException {
        Path folder = shared("models/llama-mini/hf");
        try (HfModelFolder m = HfModelFolder.open(folder)) {
            HfConfig c = m.config();
            assertEquals(List.of(256, 768, 4, 8, 4, 32, 32000, 512),
                    List.of(c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                            c.numKeyValueHeads(), c.headDim(), c.vocabSize(), c.maxPositionEmbeddings()));
            assertEquals(1e-5, c.rmsNormEps());
            assertEquals(Shape.of(32000, 256), m.checkpoint().entry(HfTensorNames.LM_HEAD).orElseThrow().shape());
            assertEquals(SafetensorsDtype.F16, m.checkpoint().entry(HfTensorNames.NORM).orElseThrow().dtype());
            assertTrue(m.tokenizerConfig().orElseThrow().chatTemplate().orElseThrow().contains("<|assistant|>"));
            Tokenizer tok = m.tokenizer();
            assertEquals("llama", tok.kind());
            assertArrayEquals(new int[] {1, 15043, 3186}, tok.encode("Hello world", true, false));
        }
        VerificationReport report = format.verify(folder);
        assertTrue(report.ok(), report.toString());
        ModelDescription d = format.describe(folder);
        assertEquals("F16", d.quantization());
        assertEquals(32000, d.tokenizer().vocabSize());
        assertTrue(d.chatTemplate().isPresent());
        assertTrue(format.probe(folder.resolve("model.safetensors")));
    }
}
