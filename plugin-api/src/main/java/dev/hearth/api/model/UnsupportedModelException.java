package dev.hearth.api.model;

import java.nio.file.Path;

/**
 * A well-formed model that uses something this plugin does not support (a quant type, an architecture).
 * Distinct from corruption: the message names what is supported instead.
 */
public class UnsupportedModelException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(Path file, long offset, String item, String problem) {
        super(file, offset, item, problem);
    }
}
