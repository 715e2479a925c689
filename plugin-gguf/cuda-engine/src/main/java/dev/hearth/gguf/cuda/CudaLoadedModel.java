package dev.hearth.gguf.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.cuda.api.CudaDevice;

/**
 * A GGUF model resident on one GPU: weights and kernel modules shared by its sessions. {@link #close()} closes the
 * sessions, frees the weights and unloads the modules: every byte charged to {@link #owner()} is returned.
 */
public final class CudaLoadedModel implements LoadedModel {

    private final ModelDescription description;
    private final CudaDevice device;
    private final String owner;
    private final CudaKernels kernels;
    private final CudaWeights weights;
    private final CudaForward forward;
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> chatTemplate;
    private final int contextLength;
    private final long weightBytes;
    private final Set<CudaSession> sessions = ConcurrentHashMap.newKeySet();
    private final Runnable onClose;
    private volatile boolean closed;

    CudaLoadedModel(ModelDescription description, CudaDevice device, String owner, CudaKernels kernels,
                    CudaWeights weights, CudaForward forward, Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate,
                    int contextLength, long weightBytes, Runnable onClose) {
        this.description = description;
        this.device = device;
        this.owner = owner;
        this.kernels = kernels;
        this.weights = weights;
        this.forward = forward;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.contextLength = contextLength;
        this.weightBytes = weightBytes;
        this.onClose = onClose;
    }

    @Override
    public ModelDescription description() {
        return description;
    }

    @Override
    public String backendId() {
        return GgufCudaBackend.ID;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public Optional<ChatTemplate> chatTemplate() {
        return chatTemplate;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public long weightBytes() {
        return weightBytes;
    }

    CudaDevice device() {
        return device;
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

    void checkOpen() {
        if (closed) throw new IllegalStateException("model " + description.name() + " is closed");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (CudaSession s : new ArrayList<>(sessions)) s.close();
        weights.close();
        kernels.close();
        onClose.run();
    }

    /** Test hook: sessions still open. */
    List<CudaSession> openSessions() {
        return List.copyOf(sessions);
    }
}
