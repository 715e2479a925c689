package dev.hearth.host.commands;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelFormat;

/** {@code hearth formats}: one line per {@link ModelFormat} service, with the backends that load it. */
public class FormatsCommand implements HearthCommand {
    public static final String NAME = "formats";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "List the installed model formats and the backends that load them";
    }

    @Override
    public int execute(CommandContext context, List<String> args) {
        if (!args.isEmpty()) {
            context.err().println("usage: hearth " + NAME);
            return USAGE;
        }
        List<ModelFormat> formats = context.services(ModelFormat.class, null, Duration.ZERO).stream()
                .sorted(Comparator.comparing(ModelFormat::id)).toList();
        if (formats.isEmpty()) {
            context.err().println("no model formats installed (add a format plugin to deploy/)");
            return OK;
        }
        List<Backend> backends = context.services(Backend.class, null, Duration.ZERO);
        int w = formats.stream().mapToInt(f -> f.id().length()).max().orElse(0);
        for (ModelFormat f : formats) {
            String loaders = backends.stream().filter(b -> b.formats().contains(f.id())).map(Backend::id)
                    .distinct().sorted().collect(Collectors.joining(","));
            context.out().println(BackendsCommand.pad(f.id(), w) + "  backends: "
                    + (loaders.isEmpty() ? "none" : loaders));
        }
        return OK;
    }
}
