package dev.hearth.host.server.openai;

/**
 * A request the server answers with an error: the HTTP status, OpenAI's error {@code type}, the parameter at fault
 * (or null) and a message for the client. Never carries a stack trace or a server path to the client.
 */
public final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;

    public ApiError(int status, String type, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** 400 invalid_request_error about {@code param}. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }
}
