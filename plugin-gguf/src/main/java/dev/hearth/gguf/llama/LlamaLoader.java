package dev.hearth.gguf.llama;

import static dev.hearth.gguf.format.GgufNames.*;
import static dev.hearth.gguf.llama.LlamaNames.LLAMA_LIKE;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.gguf.engine.WeightMatrix;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufException;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufMetadata;
import dev.hearth.gguf.format.GgufTensorInfo;
import dev.hearth.gguf.format.GgufUnsupportedException;
import dev.hearth.gguf.quant.QuantType;

/** Reads a Llama-family model's geometry and weight views out of an open GGUF file. */
public final class LlamaLoader {

    private LlamaLoader() {
    }

    public static LlamaConfig config(GgufFile file) throws ModelFileException {
        GgufMetadata md = file.metadata();
        String arch = md.getString(ARCHITECTURE);
        if (!LLAMA_LIKE.contains(arch)) {
            throw new GgufUnsupportedException(file.path(), md.offsetOf(ARCHITECTURE), ARCHITECTURE,
                    "architecture '" + arch + "' is not supported; supported: " + LLAMA_LIKE);
        }
        int dim = md.getInt(key(EMBEDDING_LENGTH, arch));
        int heads = md.getInt(key(HEAD_COUNT, arch));
        int headDim = md.optionalInt(key(KEY_LENGTH, arch)).orElse(heads > 0 ? dim / heads : 0);
        float scale = 1f;
        if (md.optionalString(key(ROPE_SCALING_TYPE, arch)).map("linear"::equals).orElse(false)) {
            scale = 1f / md.optionalFloat(key(ROPE_SCALING_FACTOR, arch)).orElse(1f);
        }
        GgufTensorInfo embd = file.requireTensor(TOKEN_EMBD);
        try {
            return new LlamaConfig(arch, dim,
                    md.getInt(key(FEED_FORWARD_LENGTH, arch)),
                    md.getInt(key(BLOCK_COUNT, arch)),
                    heads,
                    md.optionalInt(key(HEAD_COUNT_KV, arch)).orElse(heads),
                    headDim,
                    md.optionalInt(key(ROPE_DIMENSION_COUNT, arch)).orElse(headDim),
                    Math.toIntExact(embd.shape().dim(1)),
                    md.getInt(key(CONTEXT_LENGTH, arch)),
                    md.getFloat(key(RMS_EPSILON, arch)),
                    md.optionalFloat(key(ROPE_FREQ_BASE, arch)).orElse(10000f),
                    scale);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new GgufException(file.path(), -1, arch, e.getMessage());
        }
    }

    public static LlamaWeights weights(GgufFile file, LlamaConfig c) throws ModelFileException {
        LlamaWeights.Layer[] layers = new LlamaWeights.Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            layers[i] = new LlamaWeights.Layer(
                    vector(file, layer(ATTN_NORM, i), c.dim()),
                    matrix(file, layer(ATTN_Q, i), c.qDim(), c.dim()),
                    matrix(file, layer(ATTN_K, i), c.kvDim(), c.dim()),
                    matrix(file, layer(ATTN_V, i), c.kvDim(), c.dim()),
                    matrix(file, layer(ATTN_OUTPUT, i), c.dim(), c.qDim()),
                    vector(file, layer(FFN_NORM, i), c.dim()),
                    matrix(file, layer(FFN_GATE, i), c.ffnDim(), c.dim()),
                    matrix(file, layer(FFN_UP, i), c.ffnDim(), c.dim()),
                    matrix(file, layer(FFN_DOWN, i), c.dim(), c.ffnDim()));
        }
        WeightMatrix embedding = matrix(file, TOKEN_EMBD, c.vocabSize(), c.dim());
        WeightMatrix output = file.tensor(OUTPUT).isPresent()
                ? matrix(file, OUTPUT, c.vocabSize(), c.dim())
                : embedding; // tied embeddings
        return new LlamaWeights(embedding, layers, vector(file, OUTPUT_NORM, c.dim()), output, ropeFreqs(file, c));
    }

    /** The optional {@code rope_freqs.weight}: F32, one positive divisor per rotated pair, as llama.cpp reads it. */
    private static float[] ropeFreqs(GgufFile file, LlamaConfig c) throws ModelFileException {
        GgufTensorInfo t = file.tensor(ROPE_FREQS).orElse(null);
        if (t == null) return null;
        if (t.type() != GgmlType.F32) {
            throw new GgufException(file.path(), t.infoOffset(), t.item(), "type " + t.type() + " is not supported; "
                    + "RoPE frequency factors must be F32");
        }
        float[] f = vector(file, ROPE_FREQS, c.ropeDim() / 2); // shape [rope.dimension_count / 2]
        for (int i = 0; i < f.length; i++) {
            if (!(f[i] > 0) || Float.isInfinite(f[i])) {
                throw new GgufException(file.path(), t.infoOffset(), t.item(), "factor " + i + " is " + f[i]
                        + "; RoPE frequency factors must be finite and positive");
            }
        }
        return f;
    }

    private static WeightMatrix matrix(GgufFile file, String name, int rows, int cols) throws ModelFileException {
        GgufTensorInfo t = file.requireTensor(name);
        expectShape(file, t, cols, rows);
        file.checkSupported(t);
        QuantType type = QuantType.forId(t.type().id()).orElseThrow(() -> new GgufUnsupportedException(file.path(),
                t.infoOffset(), t.item(), "type " + t.type() + " has no kernels; supported: " + QuantType.supportedNames()));
        return new WeightMatrix(name, type, file.tensorData(t), rows, cols);
    }

    private static float[] vector(GgufFile file, String name, int n) throws ModelFileException {
        WeightMatrix m = matrix(file, name, 1, n);
        float[] out = new float[n];
        m.dequantizeRow(0, out, 0);
        return out;
    }

    private static void expectShape(GgufFile file, GgufTensorInfo t, long ne0, long ne1) throws ModelFileException {
        long[] d = t.shape().dims();
        boolean ok = d.length >= 1 && d[0] == ne0 && (d.length == 1 ? ne1 == 1 : d[1] == ne1);
        for (int i = 2; i < d.length; i++) ok &= d[i] == 1;
        if (!ok) {
            throw new GgufException(file.path(), t.infoOffset(), t.item(),
                    "shape " + t.shape() + " does not match the model, expected [" + ne0 + (ne1 == 1 ? "" : ", " + ne1) + "]");
        }
    }
}
