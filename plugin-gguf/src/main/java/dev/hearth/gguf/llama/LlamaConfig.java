package dev.hearth.gguf.llama;

/**
 * The geometry of a Llama-family model. Derived values are methods.
 *
 * @param architecture   {@code general.architecture}, e.g. {@code llama}
 * @param dim            {@code embedding_length}: width of the residual stream
 * @param ffnDim         {@code feed_forward_length}: width of the SwiGLU hidden layer
 * @param layers         {@code block_count}
 * @param heads          {@code attention.head_count}
 * @param kvHeads        {@code attention.head_count_kv} (grouped-query attention), {@code heads} when absent
 * @param headDim        {@code attention.key_length}, {@code dim / heads} when absent
 * @param ropeDim        {@code rope.dimension_count}, {@code headDim} when absent
 * @param vocabSize      rows of {@code token_embd.weight}
 * @param contextLength  {@code context_length}: positions the model was trained for
 * @param rmsEps         {@code attention.layer_norm_rms_epsilon}
 * @param ropeFreqBase   {@code rope.freq_base}, 10000 when absent
 * @param ropeFreqScale  1 / {@code rope.scaling.factor} for linear scaling, 1 otherwise
 */
public record LlamaConfig(String architecture, int dim, int ffnDim, int layers, int heads, int kvHeads, int headDim,
                          int ropeDim, int vocabSize, int contextLength, float rmsEps, float ropeFreqBase,
                          float ropeFreqScale) {

    public LlamaConfig {
        require(dim > 0, "embedding_length", dim);
        require(ffnDim > 0, "feed_forward_length", ffnDim);
        require(layers > 0, "block_count", layers);
        require(heads > 0, "attention.head_count", heads);
        require(kvHeads > 0 && heads % kvHeads == 0, "attention.head_count_kv", kvHeads);
        require(headDim > 0 && headDim % 2 == 0, "attention.key_length", headDim);
        require(ropeDim > 0 && ropeDim <= headDim && ropeDim % 2 == 0, "rope.dimension_count", ropeDim);
        require(vocabSize > 0, "vocab size", vocabSize);
        require(contextLength > 0, "context_length", contextLength);
    }

    private static void require(boolean ok, String field, int value) {
        if (!ok) throw new IllegalArgumentException("invalid " + field + ": " + value);
    }

    /** Width of all query heads together. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of the key (and value) vector of one position: all KV heads. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Query heads sharing one KV head. */
    public int groupSize() {
        return heads / kvHeads;
    }
}
