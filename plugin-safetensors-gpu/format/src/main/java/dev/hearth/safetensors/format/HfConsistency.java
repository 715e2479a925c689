package dev.hearth.safetensors.format;

import static dev.hearth.safetensors.format.HfTensorNames.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.hearth.api.model.VerificationReport.Problem;
import dev.hearth.api.model.VerificationReport.Severity;

/**
 * Checks a checkpoint's tensors against its {@code config.json}: every tensor the architecture needs is present
 * with the shape the config implies (PyTorch order, {@code [out, in]}), in a floating dtype.
 *
 * <p>Tied embeddings ({@code tie_word_embeddings: true}): transformers may store the shared matrix under either
 * name (and record the other in {@code __metadata__}); one of {@code model.embed_tokens.weight} and
 * {@code lm_head.weight} suffices for both.
 */
public final class HfConsistency {
    private HfConsistency() {}

    /** One expected tensor: its shape and how the config explains it. */
    private record Expected(Shape shape, String because) {}

    /**
     * Every disagreement between config and tensors.
     *
     * @param includeUnexpected also report stored tensors the architecture does not use
     */
    public static List<Problem> check(HfConfig c, SafetensorsCheckpoint ckpt, boolean includeUnexpected) {
        Map<String, Expected> expected = expected(c);
        List<Problem> problems = new ArrayList<>();
        String cfg = c.file().getFileName().toString();
        for (Map.Entry<String, Expected> x : expected.entrySet()) {
            String name = x.getKey();
            Optional<SafetensorsEntry> e = ckpt.entry(name);
            if (e.isEmpty() && c.tieWordEmbeddings() && (name.equals(LM_HEAD) || name.equals(EMBED_TOKENS))) {
                e = ckpt.entry(name.equals(LM_HEAD) ? EMBED_TOKENS : LM_HEAD);
            }
            if (e.isEmpty()) {
                problems.add(new Problem(Severity.ERROR, -1, "tensor '" + name + "'", "missing; " + cfg + " implies it ("
                        + x.getValue().because() + ")"));
                continue;
            }
            long offset = offsetOf(ckpt, e.get());
            if (!e.get().shape().equals(x.getValue().shape())) {
                problems.add(new Problem(Severity.ERROR, offset, "tensor '" + name + "' shape", "is " + e.get().shape() + ", "
                        + cfg + " implies " + x.getValue().shape() + " (" + x.getValue().because() + ")"));
            }
            if (!e.get().dtype().floating()) {
                problems.add(new Problem(Severity.UNSUPPORTED, offset, "tensor '" + name + "' dtype", e.get().dtype()
                        + " is not a floating type"));
            }
        }
        if (includeUnexpected) {
            Set<String> used = new HashSet<>(expected.keySet());
            used.addAll(ckpt.aliases().keySet());
            for (SafetensorsEntry e : ckpt.entries()) {
                if (!used.contains(e.name()) && !e.name().matches("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq")) {
                    problems.add(new Problem(Severity.WARNING, offsetOf(ckpt, e), "tensor '" + e.name() + "'",
                            "not used by " + c.architecture()));
                }
            }
        }
        return problems;
    }

    /**
     * Fails at the first required tensor that is missing or has the wrong shape or dtype.
     *
     * @throws SafetensorsException naming the tensor's file, its offset and the config fields involved
     */
    public static void require(HfConfig c, SafetensorsCheckpoint ckpt) throws SafetensorsException {
        List<Problem> problems = check(c, ckpt, false);
        if (!problems.isEmpty()) {
            Problem p = problems.getFirst();
            String tensor = p.item().substring(p.item().indexOf('\'') + 1, p.item().lastIndexOf('\''));
            Path file = ckpt.fileOf(tensor).map(SafetensorsFile::file).orElse(c.file());
            throw new SafetensorsException(file, p.offset(), p.item(), p.message());
        }
    }

    private static long offsetOf(SafetensorsCheckpoint ckpt, SafetensorsEntry e) {
        return ckpt.fileOf(e.name()).map(f -> f.header().dataStart() + e.begin()).orElse(-1L);
    }

    /** The tensors the architecture needs, by name, with their shapes. */
    private static Map<String, Expected> expected(HfConfig c) {
        long h = c.hiddenSize();
        long q = c.queryDim();
        long kv = c.keyValueDim();
        long f = c.intermediateSize();
        long v = c.vocabSize();
        String hs = "hidden_size " + h;
        String qs = "num_attention_heads " + c.numAttentionHeads() + " × head_dim " + c.headDim();
        String kvs = "num_key_value_heads " + c.numKeyValueHeads() + " × head_dim " + c.headDim();
        String fs = "intermediate_size " + f;
        String vs = "vocab_size " + v;
        Map<String, Expected> m = new LinkedHashMap<>();
        m.put(EMBED_TOKENS, new Expected(Shape.of(v, h), vs + ", " + hs));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            m.put(layer(INPUT_LAYERNORM, i), new Expected(Shape.of(h), hs));
            m.put(layer(Q_PROJ, i), new Expected(Shape.of(q, h), qs + ", " + hs));
            m.put(layer(K_PROJ, i), new Expected(Shape.of(kv, h), kvs + ", " + hs));
            m.put(layer(V_PROJ, i), new Expected(Shape.of(kv, h), kvs + ", " + hs));
            m.put(layer(O_PROJ, i), new Expected(Shape.of(h, q), hs + ", " + qs));
            if (c.attentionBias()) {
                m.put(layer(Q_BIAS, i), new Expected(Shape.of(q), qs));
                m.put(layer(K_BIAS, i), new Expected(Shape.of(kv), kvs));
                m.put(layer(V_BIAS, i), new Expected(Shape.of(kv), kvs));
            }
            m.put(layer(POST_ATTENTION_LAYERNORM, i), new Expected(Shape.of(h), hs));
            m.put(layer(GATE_PROJ, i), new Expected(Shape.of(f, h), fs + ", " + hs));
            m.put(layer(UP_PROJ, i), new Expected(Shape.of(f, h), fs + ", " + hs));
            m.put(layer(DOWN_PROJ, i), new Expected(Shape.of(h, f), hs + ", " + fs));
        }
        m.put(NORM, new Expected(Shape.of(h), hs));
        m.put(LM_HEAD, new Expected(Shape.of(v, h), vs + ", " + hs
                + (c.tieWordEmbeddings() ? "; tied to the embedding" : "")));
        return m;
    }
}
