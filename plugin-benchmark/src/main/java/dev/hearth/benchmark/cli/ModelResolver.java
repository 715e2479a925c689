package dev.hearth.benchmark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;

/** Finds the format that reads a model path (the first whose probe accepts it) and describes the model. */
final class ModelResolver {

    private ModelResolver() {}

    static ModelDescription describe(Path path, List<ModelFormat> formats) throws IOException {
        if (!Files.exists(path)) throw new IOException(path + ": no such file or folder");
        for (ModelFormat f : formats) {
            if (f.probe(path)) return f.describe(path);
        }
        throw new IOException(path + ": no installed model format reads it (installed: "
                + (formats.isEmpty() ? "none" : String.join(", ", formats.stream().map(ModelFormat::id).toList()))
                + ")");
    }
}
