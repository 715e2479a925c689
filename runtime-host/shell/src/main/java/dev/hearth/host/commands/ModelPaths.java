package dev.hearth.host.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.model.ModelFormat;

/** Finding the installed {@link ModelFormat} that claims a file or folder the user named. */
final class ModelPaths {

    private ModelPaths() {
    }

    /** A path the user named, and the format that claims it. */
    record Claimed(Path path, ModelFormat format) {}

    /**
     * Resolves {@code arg}, waits for the model formats, and returns the first whose probe accepts the path. Writes
     * one line to {@code context.err()} and returns empty when the path is missing, no format is installed or none
     * accepts it.
     */
    static Optional<Claimed> claim(CommandContext context, String command, String arg) {
        Path path = context.resolve(arg);
        if (!Files.exists(path)) {
            context.err().println("hearth " + command + ": no such file or folder: " + path);
            return Optional.empty();
        }
        List<ModelFormat> formats = context.services(ModelFormat.class, null, context.serviceTimeout());
        if (formats.isEmpty()) {
            context.err().println("hearth " + command + ": no model format is installed to read " + path + " (waited "
                    + context.serviceTimeout().toSeconds() + " s for a " + ModelFormat.class.getSimpleName()
                    + " service); add a format plugin to deploy/");
            return Optional.empty();
        }
        for (ModelFormat f : formats) {
            if (f.probe(path)) {
                return Optional.of(new Claimed(path, f));
            }
        }
        context.err().println("hearth " + command + ": no installed model format accepts " + path
                + " (installed: " + ids(formats) + ")");
        return Optional.empty();
    }

    static String ids(List<ModelFormat> formats) {
        return formats.stream().map(ModelFormat::id).sorted().collect(Collectors.joining(", "));
    }

    /** The single path argument, or a usage line on {@code err} and empty. */
    static Optional<String> onePath(CommandContext context, String command, List<String> args) {
        if (args.size() != 1 || args.getFirst().startsWith("-")) {
            context.err().println("usage: hearth " + command + " FILE|DIR");
            return Optional.empty();
        }
        return Optional.of(args.getFirst());
    }
}
