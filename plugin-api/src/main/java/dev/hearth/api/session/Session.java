package dev.hearth.api.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One conversation with a loaded model: a KV cache and a position in it. Not thread-safe; one thread drives a
 * session while any other thread may {@link #cancel()} it. Close it to free its KV cache.
 */
@ProviderType
public interface Session extends AutoCloseable {

    /** Tokens the KV cache holds at most. */
    int contextLength();

    /** Tokens already in the KV cache; the next evaluated token goes to this position. */
    int position();

    /** Forgets every token: the next evaluation starts at position 0. */
    void reset();

    /**
     * Runs the model over {@code tokens[from, to)} at the current position, appending them to the KV cache, and
     * hands out logits as {@code mode} asks. A batch that would pass the context length throws
     * {@link ContextOverflowException} before anything is evaluated.
     */
    void evaluate(int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer);

    /**
     * Generates text for a request, streaming each token to the listener, and returns the text with its statistics.
     * Starts from an empty KV cache.
     */
    GenerationResult generate(GenerationRequest request, TokenListener listener);

    /** Asks a running {@link #generate} or {@link #evaluate} to stop at the next token; safe from any thread. */
    void cancel();

    @Override
    void close();

    /** Which logits {@link #evaluate} hands out. */
    enum LogitsMode { NONE, LAST, ALL }
}
