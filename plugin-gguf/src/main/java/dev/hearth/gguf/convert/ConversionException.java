package dev.hearth.gguf.convert;

import java.nio.file.Path;

import dev.hearth.api.model.ModelFileException;

/**
 * A Hugging Face model folder that cannot be converted: a missing file, a field missing or inconsistent with
 * another file, an unsupported architecture or tensor type. The message names the file and the field or tensor:
 * {@code config.json: hidden_size: missing}.
 */
public class ConversionException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    public ConversionException(Path file, String item, String problem) {
        super(file, NO_OFFSET, item, problem);
    }

    public ConversionException(Path file, String item, String problem, Throwable cause) {
        super(file, NO_OFFSET, item, problem, cause);
    }
}
