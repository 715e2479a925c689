package dev.hearth.host.commands;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;

/** {@code hearth backends}: one line per {@link Backend} service: id, device, formats. */
public class BackendsCommand implements HearthCommand {
    public static final String NAME = "backends";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "List the installed backends: id, device, model formats";
    }

    @Override
    public int execute(CommandContext context, List<String> args) {
        if (!args.isEmpty()) {
            context.err().println("usage: hearth " + NAME);
            return USAGE;
        }
        // what is registered once the host has settled: a backend that is not there now is not installed
        List<Backend> backends = context.services(Backend.class, null, Duration.ZERO).stream()
                .sorted(Comparator.comparing(Backend::id).thenComparing(b -> b.device().index()))
                .toList();
        if (backends.isEmpty()) {
            context.err().println("no backends installed (add a backend plugin to deploy/)");
            return OK;
        }
        int w = backends.stream().mapToInt(b -> b.id().length()).max().orElse(0);
        int d = backends.stream().mapToInt(b -> b.device().label().length()).max().orElse(0);
        for (Backend b : backends) {
            context.out().println(pad(b.id(), w) + "  " + pad(b.device().label(), d) + "  "
                    + String.join(",", new TreeSet<>(b.formats())));
        }
        return OK;
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
