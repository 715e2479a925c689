package dev.hearth.host.commands;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;

/** {@code hearth help [COMMAND]}: the commands of every installed bundle, plus the host's own modes. */
public class HelpCommand implements HearthCommand {
    public static final String NAME = "help";

    /** Modes the launcher runs itself: they are not services, so they are listed here. */
    static final Map<String, String> HOST_MODES = Map.of(
            "console", "Interactive Apache Felix Gogo shell (lb, install, start, stop, update, uninstall; "
                    + "Hearth commands as hearth:<name>)",
            "serve", "Run the host headless until SIGTERM/SIGINT; plugins dropped into deploy/ load while it runs");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "List the commands, or describe one: hearth help COMMAND";
    }

    @Override
    public int execute(CommandContext context, List<String> args) {
        List<HearthCommand> commands = context.services(HearthCommand.class, null, Duration.ZERO);
        Map<String, String> all = new TreeMap<>(HOST_MODES);
        commands.stream().sorted(Comparator.comparing(HearthCommand::name))
                .forEach(c -> all.putIfAbsent(c.name(), c.summary()));
        if (args.size() > 1) {
            context.err().println("usage: hearth help [COMMAND]");
            return USAGE;
        }
        if (args.size() == 1) {
            Optional<String> summary = Optional.ofNullable(all.get(args.getFirst()));
            if (summary.isEmpty()) {
                context.err().println("hearth: unknown command '" + args.getFirst() + "' (try 'hearth help')");
                return USAGE;
            }
            context.out().println(args.getFirst() + ": " + summary.get());
            return OK;
        }
        context.out().println("Usage: hearth [--verbose] [--timeout SECONDS] <command> [args...]");
        context.out().println();
        context.out().println("Commands:");
        int w = all.keySet().stream().mapToInt(String::length).max().orElse(0);
        all.forEach((name, summary) -> context.out().println("  " + BackendsCommand.pad(name, w) + "  " + summary));
        context.out().println();
        context.out().println("Options:");
        context.out().println("  -v, --verbose        stack traces and details on errors");
        context.out().println("  --timeout SECONDS    how long to wait for services (default from conf/hearth.properties)");
        context.out().println();
        context.out().println("Exit codes: 0 success, 1 failure, 2 bad usage.");
        return OK;
    }
}
