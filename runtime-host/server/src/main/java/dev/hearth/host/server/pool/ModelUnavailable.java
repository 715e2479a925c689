package dev.hearth.host.server.pool;

/** A model the pool cannot hand out, with why: the HTTP layer maps each reason to a status code. */
public final class ModelUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a model cannot be served. */
    public enum Reason {
        /** No such name in the models folder. */
        NOT_FOUND,
        /** No installed format reads it, or no backend runs it (or the pinned one is missing). */
        NOT_SUPPORTED,
        /** Loading it would pass the memory budget even after unloading idle models. */
        INSUFFICIENT_MEMORY,
        /** The backend failed while loading it. */
        LOAD_FAILED,
        /** The server is shutting down. */
        CLOSED
    }

    private final Reason reason;

    public ModelUnavailable(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelUnavailable(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
