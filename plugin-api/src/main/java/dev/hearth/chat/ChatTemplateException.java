package dev.hearth.chat;

/**
 * A chat template could not render a conversation: the template called {@code raise_exception(msg)} (for example
 * because roles do not alternate), or it does not parse, or it failed while running.
 */
public class ChatTemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
