package dev.hearth.api.session;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-sequence or end-of-generation token. */
    END_OF_GENERATION,
    /** The text ended with one of the request's stop strings. */
    STOP_STRING,
    /** The request's token limit was reached. */
    MAX_TOKENS,
    /** The context filled up. */
    CONTEXT_FULL,
    /** {@link Session#cancel()} was called. */
    CANCELLED
}
