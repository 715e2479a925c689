package dev.hearth.host.console;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.shell.HostContext;
import dev.hearth.host.shell.ServiceLookup;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;

/**
 * One {@link HearthCommand} as a Gogo command ({@code hearth:<name>}): Gogo calls {@link Function} targets directly
 * with the session, so the command writes to the session's console. The exit code is kept in the session variable
 * {@value #EXIT_VARIABLE}; set {@value #VERBOSE_VARIABLE} to {@code true} for stack traces.
 */
public final class GogoCommand implements Function {
    public static final String EXIT_VARIABLE = "hearth.exit";
    public static final String VERBOSE_VARIABLE = "hearth.verbose";

    private final HearthCommand command;
    private final Supplier<ServiceLookup> lookups;
    private final Duration timeout;

    public GogoCommand(HearthCommand command, Supplier<ServiceLookup> lookups, Duration timeout) {
        this.command = command;
        this.lookups = lookups;
        this.timeout = timeout;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) throws Exception {
        List<String> args = arguments.stream().map(String::valueOf).toList();
        PrintStream out = session.getConsole();
        // Gogo routes System.err of the executing thread to the session
        PrintStream err = System.err;
        Path cwd = session.currentDir() == null ? Path.of(System.getProperty("user.dir")) : session.currentDir();
        boolean verbose = Boolean.parseBoolean(String.valueOf(session.get(VERBOSE_VARIABLE)));
        Thread self = Thread.currentThread();
        try (ServiceLookup lookup = lookups.get()) {
            HostContext ctx = new HostContext(out, err, session.getKeyboard(), cwd, verbose, timeout, lookup,
                    self::isInterrupted);
            int code = command.execute(ctx, args);
            session.put(EXIT_VARIABLE, code);
            return null;
        } finally {
            out.flush();
        }
    }
}
