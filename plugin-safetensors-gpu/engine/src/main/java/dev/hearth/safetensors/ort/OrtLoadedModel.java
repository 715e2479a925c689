package dev.hearth.safetensors.ort;

import java.util.Optional;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.safetensors.onnx.OnnxExport;

/**
 * An exported graph loaded into one ONNX Runtime session (the weights, on the provider's device). Hearth sessions
 * share it (ONNX Runtime's {@code Run} is thread-safe) and own their KV caches. {@link #close()} closes the ONNX
 * Runtime session; idempotent.
 */
final class OrtLoadedModel implements LoadedModel {
    private final ModelDescription description;
    private final String backendId;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final OrtGraphInfo graphInfo;
    private final OnnxExport export;
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> chatTemplate;
    private final int contextLength;
    private final long weightBytes;
    private volatile boolean closed;

    OrtLoadedModel(ModelDescription description, String backendId, OrtEnvironment environment, OrtSession session,
            OrtGraphInfo graphInfo, OnnxExport export, Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate,
            int contextLength, long weightBytes) {
        this.description = description;
        this.backendId = backendId;
        this.environment = environment;
        this.session = session;
        this.graphInfo = graphInfo;
        this.export = export;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.contextLength = contextLength;
        this.weightBytes = weightBytes;
    }

    @Override
    public ModelDescription description() { return description; }

    @Override
    public String backendId() { return backendId; }

    @Override
    public Tokenizer tokenizer() { return tokenizer; }

    @Override
    public Optional<ChatTemplate> chatTemplate() { return chatTemplate; }

    @Override
    public int contextLength() { return contextLength; }

    @Override
    public long weightBytes() { return weightBytes; }

    /** The export this model runs (folder, options, whether it came from the cache). */
    public OnnxExport export() { return export; }

    OrtEnvironment environment() { return environment; }

    OrtSession session() { return session; }

    OrtGraphInfo graphInfo() { return graphInfo; }

    @Override
    public Session newSession() {
        checkOpen();
        return new OrtDecoderSession(this);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model " + description.name() + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
