package dev.hearth.safetensors.onnx;

import static dev.hearth.safetensors.onnx.OnnxGraphBuilder.attr;

import java.io.IOException;
import java.util.List;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import dev.hearth.rope.RopeFrequencies;
import dev.hearth.safetensors.format.HfConfig;
import dev.hearth.safetensors.format.HfTensorNames;

/**
 * The Llama decoder (also Mistral and Qwen2, which differ only in q/k/v biases) as an ONNX graph, batch 1. Reads
 * like the model: embed; per layer rmsnorm, q/k/v, rope, attention with the KV cache, output projection, residual,
 * rmsnorm, SwiGLU, residual; final rmsnorm and lm_head. See {@link OnnxNames} for the inputs and outputs.
 *
 * <p>Hidden states are 2-D {@code [T, hidden]}, so every linear layer is one {@code Gemm} with {@code transB=1}
 * over the checkpoint's own {@code [out, in]} weight: no transposed copy is needed and the weight can be read in
 * place from the {@code .safetensors} file. RMSNorm and softmax run in F32 also in F16 graphs. In int4 graphs every
 * linear layer, lm_head included, is one {@code com.microsoft.MatMulNBits} over the same {@code [out, in]} weight
 * quantized to 4-bit blocks (bias, where the model has one, added after); the embedding stays float.
 */
final class LlamaOnnxGraph {
    private final OnnxGraphBuilder g;
    private final OnnxWeights w;
    private final HfConfig c;
    private final OnnxExportOptions options;
    private final DataType act;
    private final int maxPositions;

    LlamaOnnxGraph(OnnxGraphBuilder g, OnnxWeights w, HfConfig c, OnnxExportOptions options, int maxPositions) {
        this.g = g;
        this.w = w;
        this.c = c;
        this.options = options;
        this.act = options.precision().activation();
        this.maxPositions = maxPositions;
    }

    /** Builds inputs, outputs and every node. */
    void build() throws IOException {
        int kvh = c.numKeyValueHeads();
        int hd = c.headDim();
        // ---- inputs ----
        g.input(OnnxNames.INPUT_IDS, DataType.INT64, 1, "sequence");
        g.input(OnnxNames.POSITION_IDS, DataType.INT64, 1, "sequence");
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            if (options.fused()) {
                g.input(OnnxNames.layer(OnnxNames.PAST_KEY, l), act, 1, kvh, "capacity", hd);
                g.input(OnnxNames.layer(OnnxNames.PAST_VALUE, l), act, 1, kvh, "capacity", hd);
            } else {
                g.input(OnnxNames.layer(OnnxNames.PAST_KEY, l), act, 1, "past", kvh, hd);
                g.input(OnnxNames.layer(OnnxNames.PAST_VALUE, l), act, 1, "past", kvh, hd);
            }
        }
        if (options.fused()) {
            g.input(OnnxNames.SEQLENS_K, DataType.INT32, 1);
            g.input(OnnxNames.TOTAL_SEQUENCE_LENGTH, DataType.INT32);
        }
        // ---- shared values: token positions, rope tables, causal mask ----
        String ids = g.op("Squeeze", List.of(OnnxNames.INPUT_IDS, g.int64s(0)));
        String positions = g.op("Squeeze", List.of(OnnxNames.POSITION_IDS, g.int64s(0)));
        String[] ropeTables = ropeTables();
        Rope rope = options.fused() ? null : rope(positions, ropeTables);
        String mask = options.fused() ? null : causalMask(positions);

        // ---- embed: x [T, hidden] ----
        String x = g.op("Gather", List.of(w.weight(HfTensorNames.EMBED_TOKENS, act), ids), attr("axis", 0L));
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            x = layer(l, x, rope, mask, ropeTables);
        }
        // ---- final norm, lm_head; logits for all positions and, computed alone when asked, for the last ----
        String lmHead = c.tieWordEmbeddings() && !present(HfTensorNames.LM_HEAD) ? HfTensorNames.EMBED_TOKENS
                : HfTensorNames.LM_HEAD;
        String norm = w.weight(HfTensorNames.NORM, act);
        logits(x, norm, lmHead, OnnxNames.LOGITS);
        String last = g.op("Slice", List.of(x, g.int64s(-1), g.int64s(Long.MAX_VALUE), g.int64s(0)));
        logits(last, norm, lmHead, OnnxNames.LOGITS_LAST);
        g.output(OnnxNames.LOGITS, DataType.FLOAT, 1, "sequence", c.vocabSize());
        g.output(OnnxNames.LOGITS_LAST, DataType.FLOAT, 1, 1, c.vocabSize());
    }

    private boolean present(String name) {
        try {
            return w.hasTensor(name);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void logits(String x, String norm, String head, String output) throws IOException {
        String h = rmsNorm(x, norm);
        String logits = matmul(h, head, null);
        if (act != DataType.FLOAT) {
            logits = g.op("Cast", List.of(logits), attr("to", (long) DataType.FLOAT.getNumber()));
        }
        g.opNamed("Unsqueeze", List.of(logits, g.int64s(0)), output);
    }

    /** One decoder layer; returns the new residual stream. */
    private String layer(int l, String x, Rope rope, String mask, String[] ropeTables) throws IOException {
        int heads = c.numAttentionHeads();
        int kvh = c.numKeyValueHeads();
        int hd = c.headDim();
        // ---- attention: rmsnorm, q/k/v projections ----
        String h = rmsNorm(x, w.weight(HfTensorNames.layer(HfTensorNames.INPUT_LAYERNORM, l), act));
        String q = linear(h, HfTensorNames.Q_PROJ, HfTensorNames.Q_BIAS, l);
        String k = linear(h, HfTensorNames.K_PROJ, HfTensorNames.K_BIAS, l);
        String v = linear(h, HfTensorNames.V_PROJ, HfTensorNames.V_BIAS, l);
        String attn;
        if (options.fused()) {
            attn = groupQueryAttention(l, q, k, v, ropeTables);
        } else {
            // ---- rope on q and k, [T, heads, head_dim] ----
            q = rope.apply(g.op("Reshape", List.of(q, g.int64s(-1, heads, hd))));
            k = rope.apply(g.op("Reshape", List.of(k, g.int64s(-1, kvh, hd))));
            v = g.op("Reshape", List.of(v, g.int64s(-1, kvh, hd)));
            attn = attention(l, q, k, v, mask);
        }
        // ---- output projection, residual ----
        x = g.op("Add", List.of(x, linear(attn, HfTensorNames.O_PROJ, null, l)));
        // ---- feed-forward: rmsnorm, SwiGLU, residual ----
        h = rmsNorm(x, w.weight(HfTensorNames.layer(HfTensorNames.POST_ATTENTION_LAYERNORM, l), act));
        String gate = linear(h, HfTensorNames.GATE_PROJ, null, l);
        String up = linear(h, HfTensorNames.UP_PROJ, null, l);
        String silu = g.op("Mul", List.of(gate, g.op("Sigmoid", List.of(gate))));
        String down = linear(g.op("Mul", List.of(silu, up)), HfTensorNames.DOWN_PROJ, null, l);
        return g.op("Add", List.of(x, down));
    }

    /** {@code x · W^T (+ b)} over the checkpoint's [out, in] weight of layer {@code l}. */
    private String linear(String x, String weightPattern, String biasPattern, int l) throws IOException {
        String bias = biasPattern != null && c.attentionBias() ? HfTensorNames.layer(biasPattern, l) : null;
        return matmul(x, HfTensorNames.layer(weightPattern, l), bias);
    }

    /**
     * {@code x [T, in] · W^T (+ b)}: a {@code Gemm(transB=1)} over the float weight, or in int4 graphs a
     * {@code MatMulNBits} over its 4-bit blocks (B is {@code [N=out, k_blocks, blob]}: the same orientation).
     */
    private String matmul(String x, String weightName, String biasName) throws IOException {
        String bias = biasName == null ? null : w.weight(biasName, act);
        if (options.precision() != OnnxPrecision.INT4) {
            String weight = w.weight(weightName, act);
            return g.op("Gemm", bias == null ? List.of(x, weight) : List.of(x, weight, bias), attr("transB", 1L));
        }
        OnnxWeights.Int4Weight q = w.int4(weightName, options.blockSize());
        String y = g.ops(OnnxGraphBuilder.MS_DOMAIN, "MatMulNBits", List.of(x, q.packed(), q.scales(), q.zeroPoints()), 1,
                attr("K", (long) q.k()), attr("N", (long) q.n()), attr("bits", (long) Int4BlockQuantizer.BITS),
                attr("block_size", (long) options.blockSize()), attr("accuracy_level", (long) options.accuracyLevel()))[0];
        return bias == null ? y : g.op("Add", List.of(y, bias));
    }

    /** RMSNorm over the last axis, in F32: {@code weight * x / sqrt(mean(x²) + eps)}. */
    private String rmsNorm(String x, String weight) {
        if (options.fused()) {
            return g.op("SimplifiedLayerNormalization", List.of(x, weight), attr("axis", -1L),
                    attr("epsilon", (float) c.rmsNormEps()), attr("stash_type", 1L));
        }
        String x32 = toFloat(x);
        String variance = g.op("ReduceMean", List.of(g.op("Mul", List.of(x32, x32))), attr("axes", new long[] {-1}),
                attr("keepdims", 1L));
        String denominator = g.op("Sqrt", List.of(g.op("Add", List.of(variance,
                g.scalar(DataType.FLOAT, (float) c.rmsNormEps())))));
        String normed = fromFloat(g.op("Mul", List.of(x32, g.op("Reciprocal", List.of(denominator)))));
        return g.op("Mul", List.of(weight, normed));
    }

    private String toFloat(String x) {
        return act == DataType.FLOAT ? x : g.op("Cast", List.of(x), attr("to", (long) DataType.FLOAT.getNumber()));
    }

    private String fromFloat(String x) {
        return act == DataType.FLOAT ? x : g.op("Cast", List.of(x), attr("to", (long) act.getNumber()));
    }

    // ---- rotary embedding ----

    /**
     * cos and sin of {@code position / scaling * theta^(-2i/head_dim)} for every position and {@code i < head_dim/2},
     * {@code [max_positions, head_dim/2]}, computed in F32 like transformers' LlamaRotaryEmbedding; llama3 scaling
     * scales each inverse frequency instead of the positions.
     */
    private String[] ropeTables() throws IOException {
        int half = c.headDim() / 2;
        float[] invFreq = c.ropeScaling().orElse(null) instanceof HfConfig.RopeScaling.Llama3 l
                ? l.scaling().scaledInverseFrequencies(c.ropeTheta(), c.headDim())
                : RopeFrequencies.inverse(c.ropeTheta(), c.headDim());
        double scale = c.ropeScaling().orElse(null) instanceof HfConfig.RopeScaling.Linear l ? l.factor() : 1.0;
        float[] cos = new float[maxPositions * half];
        float[] sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++) {
            float pos = (float) (p / scale);
            for (int i = 0; i < half; i++) {
                float angle = pos * invFreq[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        long[] dims = {maxPositions, half};
        return new String[] {w.table("rope.cos", cos, dims, act), w.table("rope.sin", sin, dims, act)};
    }

    /** The rows of the cos and sin tables for this run's positions, shaped {@code [T, 1, head_dim/2]}. */
    private Rope rope(String positions, String[] tables) {
        String axis1 = g.int64s(1);
        String cos = g.op("Unsqueeze", List.of(g.op("Gather", List.of(tables[0], positions), attr("axis", 0L)), axis1));
        String sin = g.op("Unsqueeze", List.of(g.op("Gather", List.of(tables[1], positions), attr("axis", 0L)), axis1));
        return new Rope(cos, sin);
    }

    /** transformers' rotate-half RoPE on {@code [T, heads, head_dim]}: halves {@code (x1, x2)}. */
    private final class Rope {
        private final String cos;
        private final String sin;
        private final String axes;
        private final String[] halves;

        Rope(String cos, String sin) {
            this.cos = cos;
            this.sin = sin;
            int half = c.headDim() / 2;
            this.axes = g.int64s(2);
            this.halves = new String[] {g.int64s(0), g.int64s(half), g.int64s(c.headDim())};
        }

        String apply(String x) {
            String x1 = g.op("Slice", List.of(x, halves[0], halves[1], axes));
            String x2 = g.op("Slice", List.of(x, halves[1], halves[2], axes));
            // first half: x1·cos − x2·sin; second half: x2·cos + x1·sin
            String r1 = g.op("Sub", List.of(g.op("Mul", List.of(x1, cos)), g.op("Mul", List.of(x2, sin))));
            String r2 = g.op("Add", List.of(g.op("Mul", List.of(x2, cos)), g.op("Mul", List.of(x1, sin))));
            return g.op("Concat", List.of(r1, r2), attr("axis", 2L));
        }
    }

    // ---- attention ----

    /**
     * Additive causal mask {@code [T, S]} in F32, shared by every layer: key {@code j} (cache position) is visible
     * to query {@code i} when {@code j <= position_ids[i]}; else −∞. S = past + T, read from layer 0's past.
     */
    private String causalMask(String positions) {
        String past = g.op("Gather", List.of(g.op("Shape", List.of(OnnxNames.layer(OnnxNames.PAST_KEY, 0))),
                g.int64Scalar(1)), attr("axis", 0L));
        String t = g.op("Gather", List.of(g.op("Shape", List.of(OnnxNames.INPUT_IDS)), g.int64Scalar(1)),
                attr("axis", 0L));
        String total = g.op("Add", List.of(past, t));
        String keyPositions = g.op("Unsqueeze", List.of(g.op("Range", List.of(g.int64Scalar(0), total,
                g.int64Scalar(1))), g.int64s(0)));
        String queryPositions = g.op("Unsqueeze", List.of(positions, g.int64s(1)));
        String visible = g.op("LessOrEqual", List.of(keyPositions, queryPositions));
        return g.op("Where", List.of(visible, g.scalar(DataType.FLOAT, 0f),
                g.scalar(DataType.FLOAT, Float.NEGATIVE_INFINITY)));
    }

    /**
     * Plain attention over the cache and the new positions. Query heads are grouped per KV head
     * ({@code [kv_heads, group·T, head_dim]}), so no KV head is repeated in memory.
     */
    private String attention(int l, String q, String k, String v, String mask) {
        int heads = c.numAttentionHeads();
        int kvh = c.numKeyValueHeads();
        int hd = c.headDim();
        int group = c.groupSize();
        // ---- new positions out, cache + new positions in: [S, kv_heads, head_dim] ----
        String axis0 = g.int64s(0);
        g.opNamed("Unsqueeze", List.of(k, axis0), OnnxNames.layer(OnnxNames.PRESENT_KEY, l));
        g.opNamed("Unsqueeze", List.of(v, axis0), OnnxNames.layer(OnnxNames.PRESENT_VALUE, l));
        g.output(OnnxNames.layer(OnnxNames.PRESENT_KEY, l), act, 1, "sequence", kvh, hd);
        g.output(OnnxNames.layer(OnnxNames.PRESENT_VALUE, l), act, 1, "sequence", kvh, hd);
        String keys = g.op("Concat", List.of(g.op("Squeeze", List.of(OnnxNames.layer(OnnxNames.PAST_KEY, l), axis0)), k),
                attr("axis", 0L));
        String values = g.op("Concat", List.of(g.op("Squeeze", List.of(OnnxNames.layer(OnnxNames.PAST_VALUE, l), axis0)), v),
                attr("axis", 0L));
        // ---- scores [kv_heads, group·T, S] = q · K^T · head_dim^-0.5 (+ mask), softmax in F32 ----
        String qh = g.op("Reshape", List.of(g.op("Transpose", List.of(q), attr("perm", 1L, 0L, 2L)),
                g.int64s(kvh, -1, hd)));
        String kt = g.op("Transpose", List.of(keys), attr("perm", 1L, 2L, 0L));
        String scores = toFloat(g.op("MatMul", List.of(qh, kt)));
        scores = g.op("Mul", List.of(scores, g.scalar(DataType.FLOAT, (float) (1.0 / Math.sqrt(hd)))));
        String groupMask = group == 1 ? mask : g.op("Tile", List.of(mask, g.int64s(group, 1)));
        String probs = fromFloat(g.op("Softmax", List.of(g.op("Add", List.of(scores, groupMask))), attr("axis", -1L)));
        // ---- context [T, heads·head_dim] ----
        String vh = g.op("Transpose", List.of(values), attr("perm", 1L, 0L, 2L));
        String ctx = g.op("Reshape", List.of(g.op("MatMul", List.of(probs, vh)), g.int64s(heads, -1, hd)));
        ctx = g.op("Transpose", List.of(ctx), attr("perm", 1L, 0L, 2L));
        return g.op("Reshape", List.of(ctx, g.int64s(-1, (long) heads * hd)));
    }

    /**
     * ONNX Runtime's GroupQueryAttention (com.microsoft) with its own rotary embedding and causal mask, reading and
     * writing the shared past/present buffers in place.
     */
    private String groupQueryAttention(int l, String q, String k, String v, String[] ropeTables) {
        String axis0 = g.int64s(0);
        String q3 = g.op("Unsqueeze", List.of(q, axis0));
        String k3 = g.op("Unsqueeze", List.of(k, axis0));
        String v3 = g.op("Unsqueeze", List.of(v, axis0));
        String presentKey = OnnxNames.layer(OnnxNames.PRESENT_KEY, l);
        String presentValue = OnnxNames.layer(OnnxNames.PRESENT_VALUE, l);
        String[] out = g.opsWithOutputs(OnnxGraphBuilder.MS_DOMAIN, "GroupQueryAttention",
                List.of(q3, k3, v3, OnnxNames.layer(OnnxNames.PAST_KEY, l), OnnxNames.layer(OnnxNames.PAST_VALUE, l),
                        OnnxNames.SEQLENS_K, OnnxNames.TOTAL_SEQUENCE_LENGTH, ropeTables[0], ropeTables[1]),
                new String[] {"gqa_out_" + l, presentKey, presentValue},
                attr("num_heads", (long) c.numAttentionHeads()), attr("kv_num_heads", (long) c.numKeyValueHeads()),
                attr("do_rotary", 1L), attr("rotary_interleaved", 0L),
                attr("scale", (float) (1.0 / Math.sqrt(c.headDim()))));
        g.output(presentKey, act, 1, c.numKeyValueHeads(), "capacity", c.headDim());
        g.output(presentValue, act, 1, c.numKeyValueHeads(), "capacity", c.headDim());
        return g.op("Squeeze", List.of(out[0], axis0));
    }
}
