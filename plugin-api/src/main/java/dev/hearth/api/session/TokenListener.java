package dev.hearth.api.session;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives generated tokens as they are produced. */
@ConsumerType
@FunctionalInterface
public interface TokenListener {
    /**
     * @param tokenId the token
     * @param text    the text this token completes (may be empty while a UTF-8 sequence is incomplete)
     */
    void onToken(int tokenId, String text);

    TokenListener IGNORE = (id, text) -> { };
}
