package dev.hearth.gguf.llama;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

import dev.hearth.gguf.engine.HugePages;
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

        Layer map(UnaryOperator<WeightMatrix> f) {
            return new Layer(attnNorm, f.apply(wq), f.apply(wk), f.apply(wv), f.apply(wo), ffnNorm, f.apply(wGate),
                    f.apply(wUp), f.apply(wDown));
        }

        WeightMatrix[] matrices() {
            return new WeightMatrix[] {wq, wk, wv, wo, wGate, wUp, wDown};
        }
    }

    /**
     * These weights with the matrices of layers {@code firstLayer ..} and the output head repacked for the CPU's
     * products ({@link WeightMatrix#repacked}): Q4_K, Q6_K and Q8_0 in row groups where the CPU takes them, and with
     * {@code copyRows} every other mapped matrix copied as it is. All of it goes into one allocation, on huge pages
     * where the system offers them ({@link HugePages}), freed when {@code arena} closes, which must outlive every use;
     * when that allocation fails ({@link OutOfMemoryError}) nothing has been repacked.
     */
    public LlamaWeights repacked(Arena arena, WorkerPool pool, int firstLayer, boolean copyRows) {
        long total = output.repackedBytes(copyRows);
        for (int l = firstLayer; l < layers.length; l++) {
            for (WeightMatrix m : layers[l].matrices()) total += m.repackedBytes(copyRows);
        }
        if (total == 0) return this;
        MemorySegment memory = HugePages.allocate(total, arena);
        long[] next = {0};
        UnaryOperator<WeightMatrix> repack = m -> {
            long bytes = m.repackedBytes(copyRows);
            if (bytes == 0) return m;
            WeightMatrix repacked = m.repacked(memory.asSlice(next[0], bytes), pool);
            next[0] += bytes;
            return repacked;
        };
        return map(firstLayer, repack);
    }

    /**
     * These weights with every F16 matrix of layers {@code firstLayer ..} and the output head scanned once on the
     * pool for infinities and NaNs ({@link WeightMatrix#withHalvesChecked}).
     */
    public LlamaWeights withHalvesChecked(WorkerPool pool, int firstLayer) {
        return map(firstLayer, m -> m.withHalvesChecked(pool));
    }

    /**
     * These weights with {@code f} applied to the matrices of layers {@code firstLayer ..} and the output head; these
     * weights themselves where {@code f} returned every matrix as it was.
     */
    private LlamaWeights map(int firstLayer, UnaryOperator<WeightMatrix> f) {
        boolean[] changed = {false};
        UnaryOperator<WeightMatrix> g = m -> {
            WeightMatrix r = f.apply(m);
            changed[0] |= r != m;
            return r;
        };
        Layer[] mapped = layers.clone();
        for (int l = firstLayer; l < layers.length; l++) mapped[l] = layers[l].map(g);
        WeightMatrix head = g.apply(output);
        return changed[0] ? new LlamaWeights(tokenEmbedding, mapped, outputNorm, head, ropeFreqs) : this;
    }

    /** Bytes of the row groups ({@link #repacked}) these weights hold. */
    public long rowGroupBytes() {
        return sumOverMatrices(m -> m.groups() == null ? 0 : m.groups().byteSize());
    }

    /** Bytes of the rows {@link #repacked} copied as they are. */
    public long copiedRowBytes() {
        return sumOverMatrices(m -> m.groups() == null && !m.data().isMapped() ? m.data().byteSize() : 0);
    }

    /** {@code bytes} summed over every layer's matrices and the output head. */
    private long sumOverMatrices(ToLongFunction<WeightMatrix> bytes) {
        long sum = bytes.applyAsLong(output);
        for (Layer l : layers) {
            for (WeightMatrix m : l.matrices()) sum += bytes.applyAsLong(m);
        }
        return sum;
    }

    /** Bytes of weights a forward pass reads for one token (the output head included). */
    public long bytesPerToken() {
        long sum = sumOverMatrices(m -> m.data().byteSize()) + outputNorm.length * 4L;
        for (Layer l : layers) sum += (l.attnNorm.length + l.ffnNorm.length) * 4L;
        return sum;
    }
}
