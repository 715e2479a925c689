package dev.hearth.host.shell;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import dev.hearth.api.command.CommandContext;

/** The {@link CommandContext} the host gives a command: fixed streams and folder, services through a lookup. */
public final class HostContext implements CommandContext {
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Path workingDirectory;
    private final boolean verbose;
    private final Duration serviceTimeout;
    private final ServiceLookup lookup;
    private final BooleanSupplier cancelled;

    public HostContext(PrintStream out, PrintStream err, InputStream in, Path workingDirectory, boolean verbose,
                       Duration serviceTimeout, ServiceLookup lookup, BooleanSupplier cancelled) {
        this.out = Objects.requireNonNull(out);
        this.err = Objects.requireNonNull(err);
        this.in = Objects.requireNonNull(in);
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
        this.verbose = verbose;
        this.serviceTimeout = Objects.requireNonNull(serviceTimeout);
        this.lookup = Objects.requireNonNull(lookup);
        this.cancelled = Objects.requireNonNull(cancelled);
    }

    @Override
    public PrintStream out() {
        return out;
    }

    @Override
    public PrintStream err() {
        return err;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public Path workingDirectory() {
        return workingDirectory;
    }

    @Override
    public boolean verbose() {
        return verbose;
    }

    @Override
    public Duration serviceTimeout() {
        return serviceTimeout;
    }

    @Override
    public <T> List<T> services(Class<T> type, String filter, Duration wait) {
        return lookup.services(type, filter, wait);
    }

    @Override
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }
}
