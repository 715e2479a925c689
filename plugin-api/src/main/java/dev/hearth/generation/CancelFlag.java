package dev.hearth.generation;

import java.util.function.BooleanSupplier;

/**
 * The cancel request a session shares between {@code Session.cancel()} (any thread) and the thread running
 * {@link GenerationLoop} or the engine's evaluation. A session holds one; {@code cancel()} calls
 * {@link #cancel()}, and the loop {@linkplain #clear() clears} it when a new generation starts.
 */
public final class CancelFlag implements BooleanSupplier {

    private volatile boolean cancelled;

    /** Asks the running work to stop at the next token; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    /** Forgets an earlier request. */
    public void clear() {
        cancelled = false;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public boolean getAsBoolean() {
        return cancelled;
    }
}
