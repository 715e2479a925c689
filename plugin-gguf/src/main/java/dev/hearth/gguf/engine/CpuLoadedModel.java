package dev.hearth.gguf.engine;

import java.lang.foreign.Arena;
import java.util.Optional;

import dev.hearth.api.backend.DecodeBatching;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaForward;

/**
 * A GGUF model mapped for the CPU: the file stays mapped, weights are read in place (Q4_K, Q6_K and Q8_0
 * matrices repacked in row groups instead where the CPU allows, held by {@code groups}), one thread pool.
 */
final class CpuLoadedModel extends GgufLoadedModel {

    private final GgufFile file;
    private final WorkerPool pool;
    private final Arena groups;
    private final LlamaForward forward;
    private final KvCacheType kvCacheType;
    /** Null when sessions step alone ({@code decode.batch=1}). */
    private final DecodeBatcher batcher;

    CpuLoadedModel(ModelDescription description, GgufFile file, WorkerPool pool, Arena groups, LlamaForward forward,
                   Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate, int contextLength, long weightBytes,
                   KvCacheType kvCacheType, int decodeBatch) {
        super(description, tokenizer, chatTemplate, contextLength, weightBytes);
        this.file = file;
        this.pool = pool;
        this.groups = groups;
        this.forward = forward;
        this.kvCacheType = kvCacheType;
        this.batcher = decodeBatch > 1 ? new DecodeBatcher(forward, kvCacheType, decodeBatch) : null;
    }

    @Override
    public String backendId() {
        return GgufCpuBackend.ID;
    }

    KvCacheType kvCacheType() {
        return kvCacheType;
    }

    @Override
    public Optional<DecodeBatching> decodeBatching() {
        return batcher == null ? Optional.empty() : Optional.of(batcher.counts());
    }

    /** The continuous batcher single-token steps go through, or null when each session steps alone. */
    DecodeBatcher batcher() {
        return batcher;
    }

    @Override
    public Session newSession() {
        checkOpen();
        return new CpuSession(this, forward);
    }

    @Override
    public void close() {
        if (!markClosed()) return;
        pool.close();
        groups.close();
        file.close();
    }
}
