package dev.hearth.host.server.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.command.Arguments;
import dev.hearth.command.CommandFailure;
import dev.hearth.host.server.Settings;
import dev.hearth.host.server.store.ModelStore;
import dev.hearth.host.server.store.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hearth rm NAME...}: deletes models from the models folder (by name, never by path). */
public class RmCommand implements HearthCommand {
    public static final String NAME = "rm";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "Delete models from the models folder")
    static final class Options {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "model names, as 'hearth models' lists them")
        List<String> names = new ArrayList<>();
    }

    private final Supplier<Settings> settings;

    public RmCommand(Supplier<Settings> settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Delete models from the models folder";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        ModelStore store = new ModelStore(settings.get().modelsDir());
        for (String n : o.names) {
            try {
                ModelStore.checkName(n);
            } catch (IllegalArgumentException e) {
                context.err().println("hearth rm: " + e.getMessage());
                return USAGE;
            }
        }
        for (String n : o.names) {
            try {
                ModelStore.Entry e = store.remove(n);
                context.out().println("deleted " + e.name() + " (" + Progress.size(e.bytes()) + ")");
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(e.getMessage());
            }
        }
        return OK;
    }
}
