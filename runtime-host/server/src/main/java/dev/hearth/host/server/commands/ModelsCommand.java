package dev.hearth.host.server.commands;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Supplier;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.command.Arguments;
import dev.hearth.host.server.Settings;
import dev.hearth.host.server.store.ModelStore;
import dev.hearth.host.server.store.Progress;
import picocli.CommandLine.Command;

/** {@code hearth models}: the models folder, each model with its size, format, quantization and parameters. */
public class ModelsCommand implements HearthCommand {
    public static final String NAME = "models";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "List the models in the models folder")
    static final class Options {
    }

    private final Supplier<Settings> settings;

    public ModelsCommand(Supplier<Settings> settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "List the models in the models folder (size, format, quantization)";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        OptionalInt early = Arguments.parse(new Options(), args, context);
        if (early.isPresent()) return early.getAsInt();
        ModelStore store = new ModelStore(settings.get().modelsDir());
        List<ModelStore.Entry> entries = store.list();
        if (entries.isEmpty()) {
            context.out().println("no models in " + store.dir() + " (add one with 'hearth pull ORG/REPO[:FILE]')");
            return OK;
        }
        List<ModelFormat> formats = context.services(ModelFormat.class, null, context.serviceTimeout());
        context.out().printf(Locale.ROOT, "%-32s %10s  %-12s %-10s %-10s %s%n", "NAME", "SIZE", "FORMAT", "QUANT",
                "PARAMS", "ARCHITECTURE");
        for (ModelStore.Entry e : entries) {
            String format = "?";
            String quant = "?";
            String params = "?";
            String arch = "(no installed format reads it)";
            for (ModelFormat f : formats) {
                try {
                    if (!f.probe(e.path())) continue;
                    ModelDescription d = f.describe(e.path());
                    format = d.format();
                    quant = d.quantization();
                    params = params(d.parameterCount());
                    arch = d.architecture();
                } catch (Exception x) {
                    format = f.id();
                    arch = "(unreadable: " + x.getMessage() + ")";
                }
                break;
            }
            context.out().printf(Locale.ROOT, "%-32s %10s  %-12s %-10s %-10s %s%n", e.name(),
                    Progress.size(e.bytes()), format, quant, params, arch);
        }
        return OK;
    }

    static String params(long n) {
        if (n <= 0) return "?";
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.1fB", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        return Long.toString(n);
    }
}
