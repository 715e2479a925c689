package dev.hearth.api.backend;

import java.util.Optional;

import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.api.tokenizer.Tokenizer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Weights resident on a device. Sessions made from it share the weights and own their KV cache.
 * {@link #close()} frees every byte the model holds; it is idempotent, and use after close throws
 * {@link IllegalStateException}.
 */
@ProviderType
public interface LoadedModel extends AutoCloseable {

    ModelDescription description();

    /** Id of the backend that loaded it. */
    String backendId();

    Tokenizer tokenizer();

    /** The model's chat template, if it has one. */
    Optional<ChatTemplate> chatTemplate();

    /** Context length the sessions of this model get. */
    int contextLength();

    /** Bytes of device memory the weights occupy (mapped file bytes for CPU backends). */
    long weightBytes();

    /**
     * Where the backend runs the decode steps of concurrent sessions as one pass (continuous batching), what it has
     * done so far; empty where each session steps alone.
     */
    default Optional<DecodeBatching> decodeBatching() {
        return Optional.empty();
    }

    /** A new session with an empty KV cache. */
    Session newSession();

    @Override
    void close();
}
