package dev.hearth.host.shell;

import java.time.Duration;
import java.util.List;

/**
 * Services for one command run. What it hands out stays valid until {@link #close()}, called when the command ends.
 */
public interface ServiceLookup extends AutoCloseable {

    /**
     * The services of {@code type} matching an LDAP {@code filter} ({@code null}: all), best ranked first, waiting up
     * to {@code wait} for at least one. Implementations may return early, empty, once nothing more can come.
     */
    <T> List<T> services(Class<T> type, String filter, Duration wait);

    /** Releases every service handed out. */
    @Override
    void close();
}
