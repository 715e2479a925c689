package dev.hearth.host.server.commands;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.command.Arguments;
import dev.hearth.command.CommandFailure;
import dev.hearth.host.server.Settings;
import dev.hearth.host.server.store.Downloader;
import dev.hearth.host.server.store.HubClient;
import dev.hearth.host.server.store.ModelPuller;
import dev.hearth.host.server.store.ModelStore;
import dev.hearth.host.server.store.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hearth pull ORG/REPO[:FILE]}: downloads a model from the Hugging Face hub into the models folder. */
public class PullCommand implements HearthCommand {
    public static final String NAME = "pull";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = {
            "Download a model from the Hugging Face hub into the models folder (resumable, checksum verified).",
            "ORG/REPO:FILE takes one file; ORG/REPO takes its only GGUF file, or a SafeTensors repository as a folder."})
    static final class Options {
        @Parameters(index = "0", paramLabel = "ORG/REPO[:FILE]", description = "the repository, and the file in it")
        String spec;

        @Option(names = "--quiet", description = "no progress bar")
        boolean quiet;
    }

    private final Supplier<Settings> settings;

    public PullCommand(Supplier<Settings> settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Download a model from the Hugging Face hub (ORG/REPO[:FILE]), resumable and verified";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        ModelPuller.Spec spec;
        try {
            spec = ModelPuller.Spec.parse(o.spec);
        } catch (IllegalArgumentException e) {
            context.err().println("hearth pull: " + e.getMessage());
            return USAGE;
        }
        Settings s = settings.get();
        Map<String, String> headers = s.hubToken().isEmpty() ? Map.of()
                : Map.of("Authorization", "Bearer " + s.hubToken());
        Downloader d = new Downloader(Downloader.client(Duration.ofSeconds(30)), headers,
                o.quiet ? Progress.NONE : Progress.bar(context.err()), Duration.ofHours(6));
        ModelStore store = new ModelStore(s.modelsDir());
        try {
            Path p = new ModelPuller(new HubClient(s.hubUrl(), d), store, context.out()).pull(spec);
            context.out().println("pulled " + p.getFileName() + " into " + store.dir());
            return OK;
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }
}
