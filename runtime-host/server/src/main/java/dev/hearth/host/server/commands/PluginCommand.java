package dev.hearth.host.server.commands;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.command.Arguments;
import dev.hearth.command.CommandFailure;
import dev.hearth.host.server.Settings;
import dev.hearth.host.server.store.Downloader;
import dev.hearth.host.server.store.PluginStore;
import dev.hearth.host.server.store.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth plugin list|install|update|remove}: manages the bundles in {@code deploy/}; the running host picks
 * changes up within about a second (FileInstall), a later command sees them at its start.
 */
public class PluginCommand implements HearthCommand {
    public static final String NAME = "plugin";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = {
            "Manage plugins in deploy/: list; install JAR|URL|mvn:GROUP:ARTIFACT:VERSION; update NAME; remove NAME.",
            "mvn: coordinates come from Maven Central (hearth.plugin.maven-url), checked against the published SHA-1."})
    static final class Options {
        @Parameters(index = "0", paramLabel = "ACTION", description = "list, install, update or remove")
        String action;

        @Parameters(index = "1..*", paramLabel = "ARG", description = "what to install, or the plugin's name")
        List<String> args = new ArrayList<>();
    }

    private final Supplier<Settings> settings;
    private final Supplier<Path> deploy;

    /** @param deploy the folder the host watches (FileInstall's {@code felix.fileinstall.dir}) */
    public PluginCommand(Supplier<Settings> settings, Supplier<Path> deploy) {
        this.settings = settings;
        this.deploy = deploy;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Manage plugins: list, install JAR|URL|mvn:G:A:V, update NAME, remove NAME";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        int want = switch (o.action) {
            case "list" -> 0;
            case "install", "update", "remove" -> 1;
            default -> -1;
        };
        if (want < 0 || o.args.size() != want) {
            context.err().println("hearth plugin: usage: hearth plugin list | install JAR|URL|mvn:G:A:V | update NAME"
                    + " | remove NAME");
            return USAGE;
        }
        Settings s = settings.get();
        PluginStore store = new PluginStore(deploy.get(), s.mavenUrl(), new Downloader(
                Downloader.client(Duration.ofSeconds(30)), Map.of(), Progress.NONE, Duration.ofMinutes(30)));
        try {
            switch (o.action) {
                case "list" -> list(context, store);
                case "install" -> report(context, "installed", store.install(o.args.getFirst(), context.workingDirectory()));
                case "update" -> report(context, "updated", store.update(o.args.getFirst(), context.workingDirectory()));
                default -> report(context, "removed", store.remove(o.args.getFirst()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        return OK;
    }

    private static void list(CommandContext context, PluginStore store) throws IOException {
        List<PluginStore.Plugin> plugins = store.list();
        if (plugins.isEmpty()) {
            context.out().println("no plugins in " + store.deploy());
            return;
        }
        context.out().printf(Locale.ROOT, "%-44s %-20s %s%n", "BUNDLE", "VERSION", "SOURCE");
        for (PluginStore.Plugin p : plugins) {
            context.out().printf(Locale.ROOT, "%-44s %-20s %s%n", p.symbolicName(), p.version(), p.source());
        }
    }

    private static void report(CommandContext context, String what, PluginStore.Plugin p) {
        context.out().println(what + " " + p.symbolicName() + " " + p.version() + " (" + p.file() + ")");
    }
}
