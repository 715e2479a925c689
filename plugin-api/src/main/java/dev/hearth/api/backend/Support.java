package dev.hearth.api.backend;

import java.util.Objects;

/** A backend's answer to "can you run this model?": yes, or no with a reason a user can act on. */
public record Support(boolean supported, String reason) {

    private static final Support YES = new Support(true, "");

    public Support {
        Objects.requireNonNull(reason, "reason");
    }

    public static Support yes() {
        return YES;
    }

    public static Support no(String reason) {
        return new Support(false, reason);
    }
}
