package dev.hearth.benchmark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;

/**
 * The model {@code hearth bench} uses without {@code --model}: a synthetic benchmark model with random weights,
 * made once by the {@code synth} command and cached. When it is missing and a {@code synth} command is installed,
 * it is asked to make it ({@link #SYNTH_ARGS}); otherwise the user is told to pass {@code --model}.
 */
final class DefaultModel {

    /** Where the cached default model lives unless configured otherwise. */
    static Path standardPath() {
        return Path.of(System.getProperty("user.home"), ".hearth", "models", "default-bench.gguf");
    }

    /** Name of the command that writes synthetic models. */
    static final String SYNTH = "synth";

    /**
     * Arguments for {@code synth} to write the benchmark model to a path ({@code %s}). The one place to change when
     * the synth command's options settle.
     */
    static final List<String> SYNTH_ARGS = List.of("--preset", "mini", "--type", "Q4_K_M", "--out", "%s");

    private DefaultModel() {}

    /**
     * The default model's path, made by {@code synth} when missing and a synth command is installed; empty (after
     * one line on {@code err}) when there is none.
     */
    static Optional<Path> ensure(Path path, CommandContext ctx) throws Exception {
        if (Files.isRegularFile(path)) return Optional.of(path);
        List<HearthCommand> synth = ctx.services(HearthCommand.class,
                "(" + HearthCommand.PROP_NAME + "=" + SYNTH + ")", Duration.ZERO);
        if (synth.isEmpty()) {
            ctx.err().println("bench: no default model at " + path + " and no synth command to make it: pass "
                    + "--model FILE|DIR");
            return Optional.empty();
        }
        Files.createDirectories(path.getParent());
        ctx.err().println("bench: making the default benchmark model (random weights) at " + path);
        List<String> args = SYNTH_ARGS.stream().map(a -> String.format(a, path)).toList();
        int rc = synth.getFirst().execute(ctx, args);
        if (rc != HearthCommand.OK || !Files.isRegularFile(path)) {
            ctx.err().println("bench: synth could not make " + path + " (exit " + rc + "): pass --model FILE|DIR");
            return Optional.empty();
        }
        return Optional.of(path);
    }
}
