package dev.hearth.api.session;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives logits from {@link Session#evaluate}. */
@ConsumerType
@FunctionalInterface
public interface LogitsConsumer {
    /**
     * @param index  index of the token in the evaluated batch (0-based, relative to {@code from})
     * @param logits one score per vocabulary entry; the array may be reused after the call returns
     */
    void accept(int index, float[] logits);

    LogitsConsumer IGNORE = (i, l) -> { };
}
