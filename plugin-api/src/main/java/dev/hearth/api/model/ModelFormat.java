package dev.hearth.api.model;

import java.io.IOException;
import java.nio.file.Path;

import dev.hearth.api.tokenizer.Tokenizer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A model file format, registered as a service by a format plugin (property {@value #PROP_ID}).
 * Implementations must never crash or exhaust memory on bad input: they throw {@link ModelFileException}.
 */
@ProviderType
public interface ModelFormat {
    /** Service property carrying {@link #id()}. */
    String PROP_ID = "hearth.format";

    /** Short id such as {@code gguf} or {@code safetensors}. */
    String id();

    /** Cheap check, by name and magic bytes, whether this format claims the file or folder. */
    boolean probe(Path path);

    /** Checks the whole file and reports every problem found; an empty report means the file is sound. */
    VerificationReport verify(Path path) throws IOException;

    /** Reads the description of a model without loading its weights. */
    ModelDescription describe(Path path) throws IOException;

    /** Human-readable multi-line summary for {@code hearth info}. */
    String info(Path path) throws IOException;

    /** The model's tokenizer alone, without its weights (for {@code hearth tokenize}). */
    Tokenizer tokenizer(Path path) throws IOException;
}
