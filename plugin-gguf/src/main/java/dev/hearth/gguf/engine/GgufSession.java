package dev.hearth.gguf.engine;

import java.util.Objects;
import java.util.concurrent.CancellationException;

import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;
import dev.hearth.generation.CancelFlag;
import dev.hearth.generation.GenerationLoop;

/**
 * What the sessions of the GGUF backends (CPU, CUDA) do the same way: the position in the context, the checks before
 * an evaluate call, cancellation and generation through {@link GenerationLoop}. Subclasses run the forward passes.
 */
public abstract class GgufSession implements Session {

    private final int contextLength;
    private final CancelFlag cancel = new CancelFlag();
    private final GenerationLoop loop;
    /** Tokens in the KV cache: the next token's position. */
    protected int position;

    protected GgufSession(GgufLoadedModel model) {
        this.contextLength = model.contextLength();
        this.loop = new GenerationLoop(this, model.tokenizer(), model.chatTemplate(), cancel);
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public int position() {
        return position;
    }

    @Override
    public void reset() {
        position = 0;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        checkOpen();
        return loop.generate(request, listener);
    }

    @Override
    public void cancel() {
        cancel.cancel();
    }

    /** Throws IllegalStateException when the session or its model is closed. */
    protected abstract void checkOpen();

    /** Checks tokens[from, to) as an evaluate call's input: the range, and room for it left in the context. */
    protected void checkEvaluate(int[] tokens, int from, int to) {
        checkOpen();
        Objects.checkFromToIndex(from, to, tokens.length);
        if (position + (to - from) > contextLength) {
            throw new ContextOverflowException(position, to - from, contextLength);
        }
    }

    /** Throws CancellationException once {@link #cancel()} was called; checked between batches and steps. */
    protected void checkCancelled() {
        if (cancel.isCancelled()) throw new CancellationException("cancelled");
    }

    /**
     * The first of a batch's {@code n} rows whose logits the mode asks for ({@code n}: none); {@code last} when the
     * batch ends the evaluate call.
     */
    protected static int logitsFrom(LogitsMode mode, int n, boolean last) {
        return switch (mode) {
            case ALL -> 0;
            case LAST -> last ? n - 1 : n;
            case NONE -> n;
        };
    }
}
