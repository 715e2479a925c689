package dev.hearth.gguf.format;

import dev.hearth.api.model.UnsupportedModelException;
import java.nio.file.Path;

/**
 * A well-formed GGUF file using something Hearth does not support: GGUF version 1, a withdrawn or
 * non-computable tensor type. The message names what is supported.
 */
public class GgufUnsupportedException extends UnsupportedModelException {
    private static final long serialVersionUID = 1L;


    public GgufUnsupportedException(Path file, long offset, String item, String problem) {
        super(file, offset, item, problem);
    }

}
