package dev.hearth.benchmark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;

/**
 * The models {@code hearth bench} uses without {@code --model}: the same synthetic model with random weights (one
 * seed), once as a GGUF file in Q4_K_M and once as a Hugging Face SafeTensors folder in F16, so that every installed
 * backend, whatever format it reads, has something to run. They are made once by the {@code synth} command and
 * cached in one folder. Without a {@code synth} command the user is told to pass {@code --model}.
 */
final class DefaultModel {

    /** One default model: its name in the cache folder and the {@code synth} arguments that make it ({@code %s}). */
    record Spec(String name, List<String> synthArgs) {}

    /** The default models, in the order they are benchmarked. The one place to change them. */
    static final List<Spec> MODELS = List.of(
            new Spec("mini-Q4_K_M.gguf", List.of("--preset", "mini", "--ctx", "4096", "--type", "Q4_K_M",
                    "--seed", "42", "--out", "%s")),
            new Spec("mini-F16-hf", List.of("--preset", "mini", "--ctx", "4096", "--type", "F16",
                    "--format", "safetensors", "--seed", "42", "--out", "%s")));

    /** Name of the command that writes synthetic models. */
    static final String SYNTH = "synth";

    /** Where the cached default models live unless configured otherwise. */
    static Path standardFolder() {
        return Path.of(System.getProperty("user.home"), ".hearth", "models", "bench");
    }

    private DefaultModel() {}

    /**
     * The default models in {@code folder}, made by {@code synth} where missing; empty (after one line on
     * {@code err}) when one is missing and cannot be made.
     */
    static Optional<List<Path>> ensure(Path folder, CommandContext ctx) throws Exception {
        List<Path> paths = new ArrayList<>();
        for (Spec spec : MODELS) {
            Path path = folder.resolve(spec.name());
            if (!Files.exists(path) && !make(spec, path, ctx)) return Optional.empty();
            paths.add(path);
        }
        return Optional.of(paths);
    }

    private static boolean make(Spec spec, Path path, CommandContext ctx) throws Exception {
        List<HearthCommand> synth = ctx.services(HearthCommand.class,
                "(" + HearthCommand.PROP_NAME + "=" + SYNTH + ")", ctx.serviceTimeout());
        if (synth.isEmpty()) {
            ctx.err().println("bench: no default model at " + path + " and no synth command to make it: pass "
                    + "--model FILE|DIR");
            return false;
        }
        Files.createDirectories(path.getParent());
        ctx.err().println("bench: making the default benchmark model (random weights) at " + path);
        List<String> args = spec.synthArgs().stream().map(a -> String.format(a, path)).toList();
        int rc = synth.getFirst().execute(ctx, args);
        if (rc != HearthCommand.OK || !Files.exists(path)) {
            ctx.err().println("bench: synth could not make " + path + " (exit " + rc + "): pass --model FILE|DIR");
            return false;
        }
        return true;
    }
}
