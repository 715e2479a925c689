package dev.hearth.gguf.engine;

import java.util.Optional;

import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.tokenizer.Tokenizer;

/**
 * What a GGUF model loaded by any backend (CPU, CUDA) holds the same way: its description, tokenizer, chat template,
 * context and weight size, and whether it was closed. Subclasses own the weights and free them in {@link #close()}.
 */
public abstract class GgufLoadedModel implements LoadedModel {

    private final ModelDescription description;
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> chatTemplate;
    private final int contextLength;
    private final long weightBytes;
    private volatile boolean closed;

    protected GgufLoadedModel(ModelDescription description, Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate,
                              int contextLength, long weightBytes) {
        this.description = description;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.contextLength = contextLength;
        this.weightBytes = weightBytes;
    }

    @Override
    public ModelDescription description() {
        return description;
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

    /** Throws {@link IllegalStateException} once the model is closed. */
    public void checkOpen() {
        if (closed) throw new IllegalStateException("model " + description.name() + " is closed");
    }

    /** Marks the model closed; false when it already was, so {@link #close()} frees everything once. */
    protected boolean markClosed() {
        if (closed) return false;
        closed = true;
        return true;
    }
}
