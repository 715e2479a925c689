package dev.hearth.host.server.pool;

import java.util.Map;

import dev.hearth.api.model.ModelDescription;

/**
 * Bytes one session's KV cache takes, estimated from a model's description, because the plugin API has no figure for
 * it ({@code LoadedModel.weightBytes()} has no session twin):
 *
 * <pre>   layers × context × kv width × 2 (keys and values) × 4 bytes</pre>
 *
 * <ul>
 *   <li><b>kv width</b> is {@code head_count_kv × head size}, the width of one layer's keys for one token (smaller
 *       than the model's width with grouped-query attention).</li>
 *   <li><b>4 bytes</b>: the CPU engine keeps its cache in {@code float} whatever the cache type (a cache type only
 *       rounds the stored values); an engine keeping F16 uses half of it, so the figure is an upper bound there.</li>
 *   <li><b>layers and kv width</b> come from the description's properties when the format publishes them, under
 *       GGUF's key names ({@code ARCH.block_count}, {@code ARCH.embedding_length}, {@code ARCH.attention.head_count},
 *       {@code ARCH.attention.head_count_kv}, {@code ARCH.attention.key_length}) or Hugging Face's config names
 *       ({@code num_hidden_layers}, {@code hidden_size}, {@code num_attention_heads}, {@code num_key_value_heads},
 *       {@code head_dim}).</li>
 *   <li>Otherwise (today's GGUF and SafeTensors descriptions carry none of them) they are guessed from the parameter
 *       count for a Llama-shaped model: about {@code 12 × layers × width²} parameters with the width near
 *       {@code 128 × layers} (Llama 2 7B: 32 layers of 4096), and kv width = width, i.e. full multi-head attention.
 *       That is right for multi-head models (Llama 2 7B within 3 %, stories15M within 35 %) and an over-estimate
 *       for grouped-query ones (Llama 3 8B: 4×, Qwen2.5 0.5B: 8×). Erring high refuses a load that would have fit
 *       rather than running out of memory mid-request; {@code hearth.serve.ctx} lowers the context and so the need.</li>
 * </ul>
 */
public final class KvCacheEstimate {

    /** Bytes per cached value (the CPU engine's {@code float}). */
    static final int BYTES_PER_VALUE = 4;

    private KvCacheEstimate() {
    }

    /** Bytes of one session's KV cache with {@code contextLength} positions; 0 when the context is unknown. */
    public static long bytes(ModelDescription d, int contextLength) {
        if (contextLength <= 0) return 0;
        long perToken = fromProperties(d);
        if (perToken <= 0) perToken = fromParameters(d.parameterCount());
        return perToken <= 0 ? 0 : Math.multiplyExact(Math.multiplyExact(perToken, contextLength), BYTES_PER_VALUE);
    }

    /** Cached values per token (2 × layers × kv width) from published dimensions, else 0. */
    static long fromProperties(ModelDescription d) {
        Map<String, String> p = d.properties();
        String a = d.architecture() + ".";
        long layers = first(p, a + "block_count", "num_hidden_layers");
        long width = first(p, a + "embedding_length", "hidden_size");
        long heads = first(p, a + "attention.head_count", "num_attention_heads");
        long kvHeads = first(p, a + "attention.head_count_kv", "num_key_value_heads");
        long headSize = first(p, a + "attention.key_length", "head_dim");
        if (layers <= 0) return 0;
        if (headSize <= 0 && width > 0 && heads > 0) headSize = width / heads;
        if (kvHeads <= 0) kvHeads = heads;
        long kvWidth = kvHeads > 0 && headSize > 0 ? kvHeads * headSize : width;
        return kvWidth > 0 ? 2 * layers * kvWidth : 0;
    }

    /**
     * Cached values per token guessed from the parameter count: {@code P ≈ 12·L·w²} with {@code w = 128·L} gives
     * {@code L = (P / 196608)^(1/3)}; multi-head attention caches {@code 2·L·w} values per token.
     */
    static long fromParameters(long parameters) {
        if (parameters <= 0) return 0;
        double layers = Math.max(1, Math.cbrt(parameters / (12.0 * 128 * 128)));
        double width = Math.max(64, Math.sqrt(parameters / (12.0 * layers)));
        return (long) Math.ceil(2 * layers * width);
    }

    private static long first(Map<String, String> p, String... keys) {
        for (String k : keys) {
            String v = p.get(k);
            if (v == null) continue;
            try {
                long n = Long.parseLong(v.strip());
                if (n > 0) return n;
            } catch (NumberFormatException e) {
                // not a count: try the next spelling
            }
        }
        return 0;
    }
}
