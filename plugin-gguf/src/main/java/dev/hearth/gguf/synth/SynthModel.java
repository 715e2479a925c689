package dev.hearth.gguf.synth;

import static dev.hearth.gguf.format.GgufNames.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.hearth.gguf.convert.HfLlamaConfig;
import dev.hearth.gguf.convert.HfToGgufConverter;
import dev.hearth.gguf.convert.QkPermutation;
import dev.hearth.gguf.convert.TokenizerMetadata;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.Shape;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.quantize.RowSource;
import dev.hearth.gguf.quantize.TensorTypeRules;
import dev.hearth.gguf.tokenizer.GgufVocabularies;
import dev.hearth.gguf.writer.AtomicOutput;
import dev.hearth.gguf.writer.GgufWriter;
import dev.hearth.gguf.writer.Progress;
import dev.hearth.tokenizer.Vocabulary;
import dev.hearth.tokenizer.hf.SentencePieceModelFile;

/**
 * A synthetic Llama-family model: a {@link SynthPreset}'s geometry, {@link SynthWeights}' seeded random weights and
 * a real vocabulary, written as GGUF (any {@link QuantMix}, quantized per tensor while streaming) or as a Hugging
 * Face folder (config.json, F16/BF16 model.safetensors with HF names and HF's query/key row order, tokenizer files).
 * Converting the folder with {@code hearth convert} gives the GGUF's tensors back.
 *
 * @param preset       the geometry
 * @param vocabulary   the tokenizer; its size is the model's vocabulary size
 * @param chatTemplate the chat template to record, if any
 * @param seed         the weights' seed
 */
public record SynthModel(SynthPreset preset, Vocabulary vocabulary, Optional<String> chatTemplate, long seed) {

    /** One tensor in GGUF naming and ggml order, with its HF name. */
    public record Tensor(String gguf, String hf, Shape shape, int permuteHeads) {}

    /** The preset with a vocabulary read from {@code vocab} (a GGUF or a tokenizer.model), or a generated one. */
    public static SynthModel of(SynthPreset preset, Optional<Path> vocab, long seed) throws IOException {
        if (vocab.isEmpty()) {
            return new SynthModel(preset, ByteLevelVocabulary.generate(preset.vocab()), Optional.empty(), seed);
        }
        Path f = vocab.get();
        if (f.getFileName().toString().endsWith(".gguf")) {
            try (GgufFile g = GgufFile.open(f)) {
                return new SynthModel(preset, GgufVocabularies.fromFile(g),
                        g.metadata().optionalString(GgufNames.CHAT_TEMPLATE), seed);
            }
        }
        return new SynthModel(preset, SentencePieceModelFile.read(f).toVocabulary(true, false), Optional.empty(), seed);
    }

    public int vocabSize() { return vocabulary.size(); }

    /** The geometry as a config, as the converter reads it. */
    public HfLlamaConfig config() {
        SynthPreset p = preset;
        return new HfLlamaConfig(Path.of("config.json"), "LlamaForCausalLM", p.dim(), p.ffn(), p.layers(), p.heads(),
                p.kvHeads(), p.headDim(), vocabSize(), p.context(), p.rmsEps(), p.ropeTheta(), Optional.empty(),
                p.ropeScaling(), p.tied(), vocabulary.bos(), vocabulary.eos());
    }

    /** Every tensor, in the order llama.cpp's converter writes them. */
    public List<Tensor> tensors() {
        SynthPreset p = preset;
        int q = p.heads() * p.headDim();
        int kv = p.kvHeads() * p.headDim();
        List<Tensor> t = new ArrayList<>();
        t.add(new Tensor(GgufNames.TOKEN_EMBD, "model.embed_tokens.weight", Shape.of(p.dim(), vocabSize()), 0));
        for (int i = 0; i < p.layers(); i++) {
            String h = "model.layers." + i + ".";
            t.add(new Tensor(layer(GgufNames.ATTN_NORM, i), h + "input_layernorm.weight", Shape.of(p.dim()), 0));
            t.add(new Tensor(layer(GgufNames.ATTN_Q, i), h + "self_attn.q_proj.weight", Shape.of(p.dim(), q), p.heads()));
            t.add(new Tensor(layer(GgufNames.ATTN_K, i), h + "self_attn.k_proj.weight", Shape.of(p.dim(), kv), p.kvHeads()));
            t.add(new Tensor(layer(GgufNames.ATTN_V, i), h + "self_attn.v_proj.weight", Shape.of(p.dim(), kv), 0));
            t.add(new Tensor(layer(GgufNames.ATTN_OUTPUT, i), h + "self_attn.o_proj.weight", Shape.of(q, p.dim()), 0));
            t.add(new Tensor(layer(GgufNames.FFN_NORM, i), h + "post_attention_layernorm.weight", Shape.of(p.dim()), 0));
            t.add(new Tensor(layer(GgufNames.FFN_GATE, i), h + "mlp.gate_proj.weight", Shape.of(p.dim(), p.ffn()), 0));
            t.add(new Tensor(layer(GgufNames.FFN_UP, i), h + "mlp.up_proj.weight", Shape.of(p.dim(), p.ffn()), 0));
            t.add(new Tensor(layer(GgufNames.FFN_DOWN, i), h + "mlp.down_proj.weight", Shape.of(p.ffn(), p.dim()), 0));
        }
        t.add(new Tensor(GgufNames.OUTPUT_NORM, "model.norm.weight", Shape.of(p.dim()), 0));
        if (!p.tied()) {
            t.add(new Tensor(GgufNames.OUTPUT, "lm_head.weight", Shape.of(p.dim(), vocabSize()), 0));
        }
        return t;
    }

    /** The rows of a tensor in GGUF layout. */
    public RowSource ggufRows(Tensor t) {
        return SynthWeights.rows(seed, t.gguf(), t.shape().rank());
    }

    /** Writes a GGUF file with {@code mix}'s types (1-D tensors F32). */
    public void writeGguf(Path out, QuantMix mix, RowQuantizer rows, Progress progress) throws IOException {
        GgufWriter w = new GgufWriter();
        HfLlamaConfig c = config();
        HfToGgufConverter.metadataFor(w, c, preset.modelName(), mix);
        TokenizerMetadata.put(w, vocabulary, chatTemplate);
        List<Tensor> tensors = tensors();
        TensorTypeRules rules = new TensorTypeRules(mix, tensors.stream().map(Tensor::gguf).toList());
        Map<String, Tensor> byName = new LinkedHashMap<>();
        Optional<float[]> ropeFreqs = c.ropeFreqs();
        ropeFreqs.ifPresent(f -> w.tensor(GgufNames.ROPE_FREQS, GgmlType.F32, Shape.of(f.length)));
        for (Tensor t : tensors) {
            w.tensor(t.gguf(), t.shape().rank() < 2 ? GgmlType.F32 : rules.typeFor(t.gguf(), t.shape(), GgmlType.F16),
                    t.shape());
            byName.put(t.gguf(), t);
        }
        int[] done = {0};
        int count = byName.size() + (ropeFreqs.isPresent() ? 1 : 0);
        w.write(out, (info, dst) -> {
            if (info.name().equals(GgufNames.ROPE_FREQS)) {
                HfToGgufConverter.writeRopeFreqs(ropeFreqs.orElseThrow(), dst);
                progress.step(++done[0], count, info.name() + " " + info.type());
                return;
            }
            Tensor t = byName.get(info.name());
            int n = (int) info.shape().dim(0);
            try {
                rows.quantize(ggufRows(t), info.elementCount() / n, n, info.type(), dst);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted at " + info.name());
            }
            progress.step(++done[0], count, info.name() + " " + info.type());
        });
    }

    /**
     * Writes a Hugging Face folder {@code out} (which must not exist or be empty): config.json, model.safetensors
     * in {@code type} (F16 or BF16; F32 also works) with HF names and query/key rows in HF order, tokenizer files.
     */
    public void writeSafetensors(Path out, GgmlType type, RowQuantizer rows, Progress progress) throws IOException {
        AtomicOutput.writeFolder(out, dir -> {
            Files.writeString(dir.resolve("config.json"), configJson(type));
            HfTokenizerFiles.write(dir, vocabulary, chatTemplate);
            SafetensorsWriter st = new SafetensorsWriter();
            for (Tensor t : tensors()) {
                long[] d = t.shape().dims();
                long[] hfShape = new long[d.length];
                for (int i = 0; i < d.length; i++) hfShape[i] = d[d.length - 1 - i];
                RowSource gguf = ggufRows(t);
                RowSource src = gguf;
                if (t.permuteHeads() > 0) {
                    int[] perm = QkPermutation.ggufRowForHfRow((int) hfShape[0], t.permuteHeads());
                    src = (row, dst) -> gguf.row(perm[(int) row], dst);
                }
                st.tensor(t.hf(), t.shape().rank() < 2 ? GgmlType.F32 : type, hfShape, src);
            }
            progress.step(0, 1, "model.safetensors");
            st.write(dir.resolve("model.safetensors"), rows);
            progress.step(1, 1, "model.safetensors");
        });
    }

    String configJson(GgmlType type) {
        SynthPreset p = preset;
        JsonObject o = new JsonObject();
        JsonArray archs = new JsonArray();
        archs.add("LlamaForCausalLM");
        o.add("architectures", archs);
        o.addProperty("model_type", "llama");
        o.addProperty("_name_or_path", p.modelName());
        o.addProperty("hidden_size", p.dim());
        o.addProperty("intermediate_size", p.ffn());
        o.addProperty("num_hidden_layers", p.layers());
        o.addProperty("num_attention_heads", p.heads());
        o.addProperty("num_key_value_heads", p.kvHeads());
        o.addProperty("max_position_embeddings", p.context());
        o.addProperty("rms_norm_eps", p.rmsEps());
        o.addProperty("rope_theta", p.ropeTheta());
        p.ropeScaling().ifPresent(r -> {
            JsonObject s = new JsonObject();
            s.addProperty("rope_type", "llama3");
            s.addProperty("factor", r.factor());
            s.addProperty("low_freq_factor", r.lowFreqFactor());
            s.addProperty("high_freq_factor", r.highFreqFactor());
            s.addProperty("original_max_position_embeddings", r.originalMaxPositions());
            o.add("rope_scaling", s);
        });
        o.addProperty("vocab_size", vocabSize());
        if (vocabulary.bos() >= 0) o.addProperty("bos_token_id", vocabulary.bos());
        if (vocabulary.eos() >= 0) o.addProperty("eos_token_id", vocabulary.eos());
        o.addProperty("hidden_act", "silu");
        o.addProperty("tie_word_embeddings", p.tied());
        o.addProperty("torch_dtype", type == GgmlType.BF16 ? "bfloat16" : type == GgmlType.F32 ? "float32" : "float16");
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }
}
