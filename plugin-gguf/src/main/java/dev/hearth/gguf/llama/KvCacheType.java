package dev.hearth.gguf.llama;

import java.util.Locale;

/**
 * Precision of the KV cache. With {@link #F16} (llama.cpp's default) keys and values are kept at half precision
 * and, as ggml does when it multiplies with an F16 cache, the queries and the attention weights are rounded to
 * half precision too; this keeps the logits within 1e-7 of llama.cpp's on most positions. The cache arrays stay
 * {@code float[]} holding F16-representable values.
 */
public enum KvCacheType {
    F32,
    F16;

    /** Parses {@code f32} or {@code f16}, naming the valid values otherwise. */
    public static KvCacheType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("KV cache type '" + s + "' is not valid; use f16 or f32");
        }
    }

    /** Copies {@code n} values from {@code src} at {@code srcOff} into {@code cache} at {@code off}, at this precision. */
    void store(float[] src, int srcOff, float[] cache, int off, int n) {
        System.arraycopy(src, srcOff, cache, off, n);
        round(cache, off, n);
    }

    /** Rounds {@code x[off, off+n)} to this precision in place. */
    void round(float[] x, int off, int n) {
        if (this == F16) {
            for (int i = off; i < off + n; i++) x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        }
    }
}
