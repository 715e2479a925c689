package dev.hearth.api.command;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** What the host gives a running command: its streams, its folder and access to the services of plugins. */
@ProviderType
public interface CommandContext {

    PrintStream out();

    PrintStream err();

    InputStream in();

    /** The folder relative paths are resolved against. */
    Path workingDirectory();

    /** Whether the user asked for details (stack traces, debug lines). */
    boolean verbose();

    /** How long a command waits for services by default. */
    Duration serviceTimeout();

    /**
     * The services of a type matching an LDAP filter ({@code null} for all), waiting up to {@code wait} for at least
     * one to appear. Returns what is there then, possibly nothing; the command names what is missing.
     */
    <T> List<T> services(Class<T> type, String filter, Duration wait);

    /** True once the user asked to stop (Ctrl-C); long commands check it and finish cleanly. */
    boolean cancelled();

    /** Resolves a path the user typed against {@link #workingDirectory()}. */
    default Path resolve(String path) {
        return workingDirectory().resolve(path).normalize();
    }
}
