package dev.hearth.api.session;

/** A request needs more tokens than the session's context holds. */
public class ContextOverflowException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ContextOverflowException(int position, int adding, int contextLength) {
        super("context overflow: " + position + " tokens in the cache + " + adding + " new > context length "
                + contextLength + " (raise --ctx or shorten the prompt)");
    }
}
