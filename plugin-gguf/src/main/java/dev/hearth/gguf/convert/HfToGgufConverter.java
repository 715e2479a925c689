package dev.hearth.gguf.convert;

import static dev.hearth.gguf.format.GgufNames.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.Shape;
import dev.hearth.gguf.quantize.ModelQuantizer;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.quantize.TensorTypeRules;
import dev.hearth.gguf.writer.GgufWriter;
import dev.hearth.gguf.writer.Progress;
import dev.hearth.tokenizer.Vocabulary;

/**
 * Converts a Llama-family Hugging Face folder ({@code config.json}, SafeTensors weights, tokenizer files) into a
 * GGUF file the way llama.cpp's {@code convert_hf_to_gguf.py} does for {@code LlamaForCausalLM}:
 * <ul>
 *   <li>config.json → {@code llama.*} keys ({@link HfLlamaConfig});</li>
 *   <li>tensor names {@code model.layers.N.self_attn.q_proj.weight} → {@code blk.N.attn_q.weight} etc., shapes
 *       reversed to ggml order; query and key rows reordered for GGUF's RoPE ({@link QkPermutation});</li>
 *   <li>llama3 RoPE scaling → {@code rope_freqs.weight} (F32, one divisor per frequency);</li>
 *   <li>1-D tensors (norms) in F32, matrices in the recipe's types ({@link TensorTypeRules}), quantized row by row
 *       on all cores while streaming;</li>
 *   <li>the tokenizer as {@code tokenizer.ggml.*} metadata with the chat template ({@link HfTokenizerReader}).</li>
 * </ul>
 * Every file and tensor is checked against config.json before anything is written; the output is written under a
 * temporary name and renamed at the end, so a failed conversion leaves no file.
 */
public final class HfToGgufConverter {

    /** One GGUF tensor and where it comes from. */
    record Planned(String gguf, SafetensorsSource.Entry source, long[] hfShape, int permuteHeads) {}

    private final RowQuantizer rows;

    public HfToGgufConverter(RowQuantizer rows) {
        this.rows = rows;
    }

    /** Converts {@code folder} into {@code out} with {@code mix}'s tensor types. */
    public void convert(Path folder, Path out, QuantMix mix, Progress progress) throws IOException {
        HfLlamaConfig c = HfLlamaConfig.read(folder);
        HfTokenizerReader.Result tok = HfTokenizerReader.read(folder, c);
        Vocabulary vocab = fitVocabulary(tok, c);
        try (SafetensorsSource st = SafetensorsSource.open(folder)) {
            List<Planned> plan = plan(c, st);
            GgufWriter w = new GgufWriter();
            metadataFor(w, c, name(folder), mix);
            TokenizerMetadata.put(w, vocab, tok.chatTemplate());
            List<String> names = plan.stream().map(Planned::gguf).toList();
            TensorTypeRules rules = new TensorTypeRules(mix, names);
            Map<String, Planned> byName = new LinkedHashMap<>();
            Optional<float[]> ropeFreqs = c.ropeFreqs();
            ropeFreqs.ifPresent(f -> w.tensor(GgufNames.ROPE_FREQS, GgmlType.F32, Shape.of(f.length)));
            for (Planned p : plan) {
                Shape shape = ggmlShape(p.hfShape());
                GgmlType type = shape.rank() < 2 ? GgmlType.F32 : rules.typeFor(p.gguf(), shape, GgmlType.F32);
                w.tensor(p.gguf(), type, shape);
                byName.put(p.gguf(), p);
            }
            int[] done = {0};
            int tensors = byName.size() + (ropeFreqs.isPresent() ? 1 : 0);
            w.write(out, (info, dst) -> {
                if (info.name().equals(GgufNames.ROPE_FREQS)) {
                    writeRopeFreqs(ropeFreqs.orElseThrow(), dst);
                    progress.step(++done[0], tensors, info.name() + " " + info.type());
                    return;
                }
                Planned p = byName.get(info.name());
                int n = (int) info.shape().dim(0);
                long count = info.elementCount() / n;
                int[] perm = p.permuteHeads() > 0 ? QkPermutation.hfRowForGgufRow((int) count, p.permuteHeads()) : null;
                try {
                    rows.quantize(p.source().rows(perm), count, n, info.type(), dst);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while converting " + info.name());
                }
                progress.step(++done[0], tensors, info.name() + " " + info.type());
            });
        }
    }

    /** {@code rope_freqs.weight}'s F32 values into the tensor's bytes (little endian, as GGUF stores them). */
    public static void writeRopeFreqs(float[] freqs, MemorySegment dst) {
        MemorySegment.copy(freqs, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                freqs.length);
    }

    /** The Llama metadata, in the order llama.cpp's converter writes it. */
    public static void metadataFor(GgufWriter w, HfLlamaConfig c, String name, QuantMix mix) {
        String a = "llama";
        w.putString(GgufNames.ARCHITECTURE, a);
        w.putString(GgufNames.NAME, name);
        w.putU32(GgufNames.key(GgufNames.CONTEXT_LENGTH, a), c.contextLength());
        w.putU32(GgufNames.key(GgufNames.EMBEDDING_LENGTH, a), c.hiddenSize());
        w.putU32(GgufNames.key(GgufNames.BLOCK_COUNT, a), c.layers());
        w.putU32(GgufNames.key(GgufNames.FEED_FORWARD_LENGTH, a), c.intermediateSize());
        w.putU32(GgufNames.key(GgufNames.ROPE_DIMENSION_COUNT, a), c.headDim());
        w.putU32(GgufNames.key(GgufNames.HEAD_COUNT, a), c.heads());
        w.putU32(GgufNames.key(GgufNames.HEAD_COUNT_KV, a), c.kvHeads());
        if (c.headDim() != c.hiddenSize() / c.heads()) {
            w.putU32(GgufNames.key(GgufNames.KEY_LENGTH, a), c.headDim());
            w.putU32(GgufNames.key(GgufNames.VALUE_LENGTH, a), c.headDim());
        }
        w.putF32(GgufNames.key(GgufNames.RMS_EPSILON, a), (float) c.rmsEps());
        w.putF32(GgufNames.key(GgufNames.ROPE_FREQ_BASE, a), (float) c.ropeTheta());
        c.ropeLinearFactor().ifPresent(f -> {
            w.putString(a + ".rope.scaling.type", "linear");
            w.putF32(a + ".rope.scaling.factor", f.floatValue());
        });
        w.putU32(GgufNames.FILE_TYPE, mix.fileType());
        if (mix.quantized()) {
            w.putU32(GgufNames.QUANTIZATION_VERSION, ModelQuantizer.QUANTIZATION_VERSION);
        }
    }

    /** Maps and checks every tensor the model needs. */
    static List<Planned> plan(HfLlamaConfig c, SafetensorsSource st) throws ConversionException {
        long h = c.hiddenSize();
        List<Planned> out = new ArrayList<>();
        out.add(need(st, c, GgufNames.TOKEN_EMBD, "model.embed_tokens.weight", 0, c.vocabSize(), h));
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            if (st.entry(p + "self_attn.q_proj.bias").isPresent()) {
                throw new ConversionException(st.entry(p + "self_attn.q_proj.bias").get().file(),
                        "tensor '" + p + "self_attn.q_proj.bias'", "attention biases are not supported (Llama has none)");
            }
            out.add(need(st, c, layer(GgufNames.ATTN_NORM, i), p + "input_layernorm.weight", 0, h));
            out.add(need(st, c, layer(GgufNames.ATTN_Q, i), p + "self_attn.q_proj.weight", c.heads(), c.qDim(), h));
            out.add(need(st, c, layer(GgufNames.ATTN_K, i), p + "self_attn.k_proj.weight", c.kvHeads(), c.kvDim(), h));
            out.add(need(st, c, layer(GgufNames.ATTN_V, i), p + "self_attn.v_proj.weight", 0, c.kvDim(), h));
            out.add(need(st, c, layer(GgufNames.ATTN_OUTPUT, i), p + "self_attn.o_proj.weight", 0, h, c.qDim()));
            out.add(need(st, c, layer(GgufNames.FFN_NORM, i), p + "post_attention_layernorm.weight", 0, h));
            out.add(need(st, c, layer(GgufNames.FFN_GATE, i), p + "mlp.gate_proj.weight", 0, c.intermediateSize(), h));
            out.add(need(st, c, layer(GgufNames.FFN_UP, i), p + "mlp.up_proj.weight", 0, c.intermediateSize(), h));
            out.add(need(st, c, layer(GgufNames.FFN_DOWN, i), p + "mlp.down_proj.weight", 0, h, c.intermediateSize()));
        }
        out.add(need(st, c, GgufNames.OUTPUT_NORM, "model.norm.weight", 0, h));
        if (!c.tiedEmbeddings()) {
            out.add(need(st, c, GgufNames.OUTPUT, "lm_head.weight", 0, c.vocabSize(), h));
        }
        return out;
    }

    private static Planned need(SafetensorsSource st, HfLlamaConfig c, String gguf, String hf, int heads,
                                long... shape) throws ConversionException {
        SafetensorsSource.Entry e = st.entry(hf).orElseThrow(() -> new ConversionException(
                c.file().resolveSibling(SafetensorsSource.SINGLE_FILE), "tensor '" + hf + "'",
                "missing from the checkpoint (needed for " + gguf + ")"));
        if (!List.of("F32", "F16", "BF16").contains(e.dtype())) {
            throw new ConversionException(e.file(), "tensor '" + e.name() + "'", "dtype " + e.dtype()
                    + " is not supported; supported: F32, F16, BF16");
        }
        if (!Arrays.equals(e.shape(), shape)) {
            throw new ConversionException(e.file(), "tensor '" + e.name() + "'", "shape " + Arrays.toString(e.shape())
                    + " does not match config.json, which gives " + Arrays.toString(shape) + " (hidden_size "
                    + c.hiddenSize() + ", intermediate_size " + c.intermediateSize() + ", vocab_size " + c.vocabSize()
                    + ", heads " + c.heads() + "/" + c.kvHeads() + " of " + c.headDim() + ")");
        }
        return new Planned(gguf, e, shape, heads);
    }

    /** HF shapes are outermost first; ggml's innermost first. */
    static Shape ggmlShape(long[] hf) {
        long[] d = new long[hf.length];
        for (int i = 0; i < hf.length; i++) d[i] = hf[hf.length - 1 - i];
        return Shape.of(d);
    }

    /**
     * The vocabulary checked against {@code vocab_size}: more tokens than embedding rows is an error; fewer are
     * padded with unused {@code [PADn]} tokens, as llama.cpp's converter does.
     */
    static Vocabulary fitVocabulary(HfTokenizerReader.Result tok, HfLlamaConfig c) throws ConversionException {
        Vocabulary v = tok.vocabulary();
        if (v.size() > c.vocabSize()) {
            throw new ConversionException(tok.source(), "vocabulary", v.size() + " tokens, but " + HfLlamaConfig.FILE_NAME
                    + " vocab_size is " + c.vocabSize());
        }
        if (v.size() == c.vocabSize()) {
            return v;
        }
        int n = c.vocabSize();
        String[] tokens = Arrays.copyOf(v.tokens(), n);
        float[] scores = v.scores() == null ? null : Arrays.copyOf(v.scores(), n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            if (i < v.size()) {
                types[i] = v.tokenType(i);
            } else {
                tokens[i] = "[PAD" + i + "]";
                types[i] = Vocabulary.TYPE_UNUSED;
                if (scores != null) scores[i] = -1000f;
            }
        }
        return new Vocabulary(v.kind(), v.pre(), tokens, scores, types, v.merges(), v.bos(), v.eos(), v.eot(), v.eom(),
                v.unk(), v.pad(), v.sep(), v.addBos(), v.addEos(), v.addSpacePrefix());
    }

    private static String name(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Path n = abs.getFileName();
        if (n != null && n.toString().equals("hf") && abs.getParent() != null && abs.getParent().getFileName() != null) {
            n = abs.getParent().getFileName();
        }
        return n == null ? "model" : n.toString();
    }
}
