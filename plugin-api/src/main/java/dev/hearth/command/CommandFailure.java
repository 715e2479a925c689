package dev.hearth.command;

/**
 * A failure the user can act on, reported by the host as one line (no stack trace) with exit code 1. Commands
 * throw it from deep inside instead of threading error codes through every call.
 */
public class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandFailure(String message) {
        super(message);
    }

    public CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
