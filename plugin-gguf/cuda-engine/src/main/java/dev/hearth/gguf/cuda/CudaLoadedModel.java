package dev.hearth.gguf.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.gguf.engine.GgufLoadedModel;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaForward;

/**
 * A GGUF model resident on one GPU: weights and kernel modules shared by its sessions. {@link #close()} closes the
 * sessions, frees the weights and unloads the modules: every byte charged to {@link #owner()} is returned.
 */
public final class CudaLoadedModel extends GgufLoadedModel {

    private final CudaDevice device;
    private final String owner;
    private final CudaKernels kernels;
    private final CudaWeights weights;
    private final CudaForward forward;
    private final Set<CudaSession> sessions = ConcurrentHashMap.newKeySet();
    private final Runnable onClose;
    private final CpuPart cpu;

    /**
     * The CPU side of a partial offload: the forward pass whose later layers and head the sessions run, its KV
     * cache precision, and what to close with the model (the mapped file those layers read, the worker threads).
     */
    record CpuPart(LlamaForward forward, KvCacheType kvType, AutoCloseable resources) {
    }

    CudaLoadedModel(ModelDescription description, CudaDevice device, String owner, CudaKernels kernels,
                    CudaWeights weights, CudaForward forward, Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate,
                    int contextLength, long weightBytes, CpuPart cpu, Runnable onClose) {
        super(description, tokenizer, chatTemplate, contextLength, weightBytes);
        this.cpu = cpu;
        this.device = device;
        this.owner = owner;
        this.kernels = kernels;
        this.weights = weights;
        this.forward = forward;
        this.onClose = onClose;
    }

    CudaKernels kernels() {
        return kernels;
    }

    @Override
    public String backendId() {
        return GgufCudaBackend.ID;
    }

    CudaDevice device() {
        return device;
    }

    /** The CPU forward pass of a partial offload (null: every layer on the GPU). */
    LlamaForward cpuLayers() {
        return cpu == null ? null : cpu.forward();
    }

    KvCacheType kvCacheType() {
        return cpu == null ? KvCacheType.F16 : cpu.kvType();
    }

    /** The label this model's device memory is charged to. */
    public String owner() {
        return owner;
    }

    @Override
    public Session newSession() {
        checkOpen();
        CudaSession s = new CudaSession(this, forward);
        sessions.add(s);
        return s;
    }

    void sessionClosed(CudaSession s) {
        sessions.remove(s);
    }

    @Override
    public synchronized void close() {
        if (!markClosed()) return;
        for (CudaSession s : new ArrayList<>(sessions)) s.close();
        weights.close();
        kernels.close();
        if (cpu != null) {
            try {
                cpu.resources().close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the CPU layers of " + description().name() + ": " + e, e);
            }
        }
        onClose.run();
    }

    /** Test hook: sessions still open. */
    List<CudaSession> openSessions() {
        return List.copyOf(sessions);
    }
}
