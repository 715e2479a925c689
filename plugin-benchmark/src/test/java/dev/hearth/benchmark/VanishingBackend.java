package dev.hearth.benchmark;

import java.util.List;

import dev.hearth.api.backend.Backend;

/**
 * A backend that is uninstalled in the middle of a run: after {@code evaluationsBeforeGone} evaluate calls it
 * removes itself from the live service list (as DS unbinding does) and every further call throws
 * {@link IllegalStateException}, as a deactivated component's objects do.
 */
final class VanishingBackend extends MatmulBackend {

    private final List<Backend> live;
    private int evaluationsLeft;

    VanishingBackend(String id, List<Backend> live, int evaluationsBeforeGone) {
        super(id, 32, 1);
        this.live = live;
        this.evaluationsLeft = evaluationsBeforeGone;
    }

    @Override
    synchronized void check() {
        if (evaluationsLeft-- <= 0) {
            live.remove(this);
            throw new IllegalStateException("gone");
        }
    }
}
