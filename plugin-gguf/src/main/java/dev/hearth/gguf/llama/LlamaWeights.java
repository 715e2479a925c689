package dev.hearth.gguf.llama;

import java.lang.foreign.Arena;

import dev.hearth.gguf.engine.WeightMatrix;
import dev.hearth.gguf.engine.WorkerPool;

/**
 * The weights of a Llama-family model, views into the mapped GGUF file. Shapes are written rows x cols
 * (GGUF's ne1 x ne0).
 *
 * @param tokenEmbedding {@code token_embd.weight}: vocab x dim
 * @param layers         one entry per {@code blk.N}
 * @param outputNorm     {@code output_norm.weight}: dim
 * @param output         {@code output.weight}: vocab x dim; the token embedding itself when the file has none (tied)
 * @param ropeFreqs      {@code rope_freqs.weight}: ropeDim / 2 divisors of the RoPE frequencies (Llama 3.1+
 *                       scaling); null when the file has none
 */
public record LlamaWeights(WeightMatrix tokenEmbedding, Layer[] layers, float[] outputNorm, WeightMatrix output,
                           float[] ropeFreqs) {

    /**
     * One transformer block.
     *
     * @param attnNorm {@code blk.N.attn_norm.weight}: dim
     * @param wq       {@code blk.N.attn_q.weight}: heads*headDim x dim
     * @param wk       {@code blk.N.attn_k.weight}: kvHeads*headDim x dim
     * @param wv       {@code blk.N.attn_v.weight}: kvHeads*headDim x dim
     * @param wo       {@code blk.N.attn_output.weight}: dim x heads*headDim
     * @param ffnNorm  {@code blk.N.ffn_norm.weight}: dim
     * @param wGate    {@code blk.N.ffn_gate.weight}: ffn x dim
     * @param wUp      {@code blk.N.ffn_up.weight}: ffn x dim
     * @param wDown    {@code blk.N.ffn_down.weight}: dim x ffn
     */
    public record Layer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                        float[] ffnNorm, WeightMatrix wGate, WeightMatrix wUp, WeightMatrix wDown) {

        Layer withRowGroups(Arena arena, WorkerPool pool) {
            return new Layer(attnNorm, wq.withRowGroups(arena, pool), wk.withRowGroups(arena, pool),
                    wv.withRowGroups(arena, pool), wo.withRowGroups(arena, pool), ffnNorm,
                    wGate.withRowGroups(arena, pool), wUp.withRowGroups(arena, pool), wDown.withRowGroups(arena, pool));
        }
    }

    /**
     * These weights with the matrices of layers {@code firstLayer ..} and the output head repacked for single-token
     * products ({@link WeightMatrix#withRowGroups}) in memory of {@code arena}, which must outlive every use.
     */
    public LlamaWeights withRowGroups(Arena arena, WorkerPool pool, int firstLayer) {
        Layer[] grouped = layers.clone();
        for (int l = firstLayer; l < layers.length; l++) grouped[l] = layers[l].withRowGroups(arena, pool);
        return new LlamaWeights(tokenEmbedding, grouped, outputNorm, output.withRowGroups(arena, pool), ropeFreqs);
    }

    /** Bytes of the repacked row groups ({@link #withRowGroups}) these weights hold. */
    public long rowGroupBytes() {
        long sum = groupBytes(output);
        for (Layer l : layers) {
            for (WeightMatrix m : new WeightMatrix[] {l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown}) {
                sum += groupBytes(m);
            }
        }
        return sum;
    }

    private static long groupBytes(WeightMatrix m) {
        return m.groups() == null ? 0 : m.groups().byteSize();
    }

    /** Bytes of weights a forward pass reads for one token (the output head included). */
    public long bytesPerToken() {
        long sum = output.data().byteSize() + outputNorm.length * 4L;
        for (Layer l : layers) {
            sum += l.wq.data().byteSize() + l.wk.data().byteSize() + l.wv.data().byteSize() + l.wo.data().byteSize()
                    + l.wGate.data().byteSize() + l.wUp.data().byteSize() + l.wDown.data().byteSize()
                    + (l.attnNorm.length + l.ffnNorm.length) * 4L;
        }
        return sum;
    }
}
