package dev.hearth.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;

/**
 * Finds the model format that reads a path, the backend that runs the model, and loads it: the one way every
 * command (run, chat, perplexity, logits, bench, serve) does it. Failures are {@link CommandFailure}s with one line
 * naming what is missing.
 */
public final class Models {

    private Models() {
    }

    /** The path, the format that claims it, and the model's description. */
    public record Resolved(Path path, ModelFormat format, ModelDescription description) {}

    /** Resolves a path the user typed and describes the model with the first installed format that claims it. */
    public static Resolved resolve(CommandContext context, String pathArg) throws IOException {
        Path path = context.resolve(pathArg);
        if (!Files.exists(path)) throw new CommandFailure("no such file or folder: " + path);
        List<ModelFormat> formats = context.services(ModelFormat.class, null, context.serviceTimeout());
        if (formats.isEmpty()) {
            throw new CommandFailure("no model format is installed to read " + path + " (waited "
                    + context.serviceTimeout().toSeconds() + " s for a ModelFormat service)");
        }
        return resolve(path, formats);
    }

    /**
     * Describes the model at {@code path} with the first of {@code formats} that claims it; for callers without a
     * {@link CommandContext} (the HTTP server), which track the services themselves.
     */
    public static Resolved resolve(Path path, List<ModelFormat> formats) throws IOException {
        for (ModelFormat f : formats) {
            if (f.probe(path)) return new Resolved(path, f, f.describe(path));
        }
        throw new CommandFailure("no installed model format reads " + path + " (installed: "
                + formats.stream().map(ModelFormat::id).sorted().collect(Collectors.joining(", ")) + ")");
    }

    /**
     * The backend to run a model on: the one with id {@code backendId} when given, else the first that supports the
     * model, GPUs before CPUs. Waits for backends up to the context's service timeout.
     */
    public static Backend chooseBackend(CommandContext context, ModelDescription model, String backendId) {
        String filter = backendId == null ? null : "(" + Backend.PROP_ID + "=" + backendId + ")";
        List<Backend> backends = context.services(Backend.class, filter, context.serviceTimeout());
        if (backends.isEmpty()) {
            throw new CommandFailure(backendId == null
                    ? "no backend is installed (waited " + context.serviceTimeout().toSeconds() + " s)"
                    : "backend '" + backendId + "' is not installed (waited " + context.serviceTimeout().toSeconds()
                            + " s; see 'hearth backends')");
        }
        return chooseBackend(model, backends);
    }

    /**
     * The first of {@code backends} that supports the model, GPUs before CPUs; for callers without a
     * {@link CommandContext}. {@code backends} is already narrowed to the pinned id, if any, and not empty.
     */
    public static Backend chooseBackend(ModelDescription model, List<Backend> backends) {
        StringBuilder reasons = new StringBuilder();
        for (Backend b : backends.stream().sorted(Comparator.comparing(
                (Backend b) -> b.device().type() == DeviceInfo.Type.GPU ? 0 : 1)).toList()) {
            Support s = b.supports(model);
            if (s.supported()) return b;
            reasons.append(reasons.isEmpty() ? "" : "; ").append(b.id()).append(": ").append(s.reason());
        }
        throw new CommandFailure("no installed backend runs " + model.path().getFileName() + " (" + reasons + ")");
    }

    /** Resolves, chooses a backend and loads: the caller closes the result. */
    public static LoadedModel load(CommandContext context, String pathArg, String backendId, LoadOptions options)
            throws IOException {
        Resolved r = resolve(context, pathArg);
        return chooseBackend(context, r.description(), backendId).load(r.description(), options);
    }
}
