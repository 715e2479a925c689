package dev.hearth.test.broken;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Test fixture for the distribution's integration tests: an immediate component whose activation always throws, to
 * check that the host reports it and keeps running.
 */
@Component(immediate = true, service = {})
public class BrokenComponent {
    public static final String MESSAGE = "broken-component fails on purpose (test fixture)";

    @Activate
    void activate() {
        throw new IllegalStateException(MESSAGE);
    }
}
