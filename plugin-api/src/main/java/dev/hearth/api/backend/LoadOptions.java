package dev.hearth.api.backend;

import java.util.Map;

/**
 * How to load a model.
 *
 * @param contextLength KV-cache size in tokens; 0 means the model's own context length
 * @param threads       CPU threads; 0 means all cores
 * @param gpuLayers     layers to place on the GPU; -1 means all
 * @param extra         backend-specific options, e.g. {@code kv.type=f16}
 */
public record LoadOptions(int contextLength, int threads, int gpuLayers, Map<String, String> extra) {

    /** {@link #extra()} key: a chat template name or Jinja source that overrides the model's own. */
    public static final String CHAT_TEMPLATE = "chat.template";

    /** {@link #extra()} key: KV cache precision, {@code f16} (default) or {@code f32}, where the backend offers both. */
    public static final String KV_TYPE = "kv.type";

    /**
     * {@link #extra()} key: how many sessions' decode steps a backend may run as one forward pass (continuous
     * batching), where it can; {@code 1} makes every session step alone.
     */
    public static final String DECODE_BATCH = "decode.batch";

    public LoadOptions {
        if (contextLength < 0) throw new IllegalArgumentException("contextLength must be >= 0, was " + contextLength);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, was " + threads);
        extra = Map.copyOf(extra);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(0, 0, -1, Map.of());
    }

    public LoadOptions withContextLength(int n) {
        return new LoadOptions(n, threads, gpuLayers, extra);
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(contextLength, n, gpuLayers, extra);
    }

    public LoadOptions withExtra(String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(extra);
        m.put(key, value);
        return new LoadOptions(contextLength, threads, gpuLayers, m);
    }

    public LoadOptions withGpuLayers(int n) {
        return new LoadOptions(contextLength, threads, n, extra);
    }
}
