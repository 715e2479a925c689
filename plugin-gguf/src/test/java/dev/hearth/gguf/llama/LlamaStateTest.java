package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LlamaStateTest {

    /** A state for the CPU layers of a partial offload holds the KV cache of those layers only. */
    @Test
    void stateFromALayerHoldsOnlyTheLaterLayersCache() {
        LlamaConfig c = new LlamaConfig("llama", 64, 128, 6, 4, 2, 16, 16, 100, 256, 1e-5f, 10000f, 1f);
        long perLayer = 2L * 256 * c.kvDim() * Float.BYTES;
        assertEquals(6 * perLayer, new LlamaState(c, 256, KvCacheType.F16).kvCacheBytes());
        assertEquals(2 * perLayer, LlamaState.fromLayer(c, 256, KvCacheType.F16, 4).kvCacheBytes());
        assertEquals(0, LlamaState.fromLayer(c, 256, KvCacheType.F16, 6).kvCacheBytes());
    }
}
