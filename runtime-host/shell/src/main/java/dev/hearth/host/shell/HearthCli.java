package dev.hearth.host.shell;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import dev.hearth.api.command.HearthCommand;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code hearth [--verbose] [--timeout SECONDS] <command> [args...]}: reads the global options with picocli, finds
 * the {@link HearthCommand} service of that name, runs it and turns what happens into an exit code. Everything after
 * the command's name belongs to the command.
 */
public final class HearthCli {
    public static final String USAGE = "Usage: hearth [--verbose] [--timeout SECONDS] <command> [args...]";
    /** Command names are plain words; anything else cannot name a command (and never reaches an LDAP filter). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Path workingDirectory;
    private final Duration defaultTimeout;

    public HearthCli(PrintStream out, PrintStream err, InputStream in, Path workingDirectory, Duration defaultTimeout) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.workingDirectory = workingDirectory;
        this.defaultTimeout = defaultTimeout;
    }

    /** The global options and the command line of the command. */
    record Invocation(boolean verbose, Duration timeout, String command, List<String> args) {}

    /** Runs one command line; the caller owns {@code lookup} and closes it afterwards. */
    public int run(String[] args, ServiceLookup lookup, BooleanSupplier cancelled) {
        Invocation inv;
        try {
            inv = parse(args);
        } catch (CommandLine.ParameterException e) {
            err.println("hearth: " + e.getMessage() + " (try 'hearth help')");
            return HearthCommand.USAGE;
        }
        if (inv.command().isEmpty()) {
            err.println(USAGE);
            err.println("hearth: no command given (try 'hearth help')");
            return HearthCommand.USAGE;
        }
        List<HearthCommand> commands = NAME.matcher(inv.command()).matches()
                ? lookup.services(HearthCommand.class, "(" + HearthCommand.PROP_NAME + "=" + inv.command() + ")",
                        inv.timeout())
                : List.of();
        if (commands.isEmpty()) {
            err.println("hearth: unknown command '" + inv.command() + "' (try 'hearth help')");
            return HearthCommand.USAGE;
        }
        HostContext ctx = new HostContext(out, err, in, workingDirectory, inv.verbose(), inv.timeout(), lookup,
                cancelled);
        try {
            return commands.getFirst().execute(ctx, inv.args());
        } catch (Exception | LinkageError e) {
            err.println("error: " + message(e));
            if (inv.verbose()) {
                e.printStackTrace(err);
            }
            return HearthCommand.FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    Invocation parse(String[] args) {
        CommandSpec spec = CommandSpec.create().name("hearth");
        spec.addOption(OptionSpec.builder("-v", "--verbose").description("stack traces and details").build());
        spec.addOption(OptionSpec.builder("-h", "--help").description("same as 'hearth help'").build());
        spec.addOption(OptionSpec.builder("--timeout").paramLabel("SECONDS").type(long.class)
                .description("how long to wait for services").build());
        spec.addPositional(PositionalParamSpec.builder().index("0..*").arity("0..*").paramLabel("COMMAND")
                .type(String[].class).build());
        CommandLine cl = new CommandLine(spec);
        cl.setStopAtPositional(true);
        cl.setUnmatchedOptionsArePositionalParams(false);
        ParseResult pr = cl.parseArgs(args);
        Duration timeout = defaultTimeout;
        if (pr.hasMatchedOption("--timeout")) {
            long s = pr.matchedOptionValue("--timeout", 0L);
            if (s < 0) {
                throw new CommandLine.ParameterException(cl, "--timeout must be 0 or more seconds, was " + s);
            }
            timeout = Duration.ofSeconds(s);
        }
        List<String> rest = pr.hasMatchedPositional(0) ? pr.matchedPositional(0).stringValues() : List.of();
        String command = pr.hasMatchedOption("--help") ? "help" : rest.isEmpty() ? "" : rest.getFirst();
        List<String> commandArgs = pr.hasMatchedOption("--help") || rest.isEmpty()
                ? List.of() : List.copyOf(rest.subList(1, rest.size()));
        return new Invocation(pr.hasMatchedOption("--verbose"), timeout, command, commandArgs);
    }

    /** One line a user can act on, whatever the exception. */
    static String message(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        String m = e.getMessage();
        if (m != null && !m.isBlank()) return m.replace('\n', ' ');
        // a class whose static setup refused a setting fails as an ExceptionInInitializerError without a message
        return e.getCause() != null ? message(e.getCause()) : e.getClass().getSimpleName();
    }
}
