package dev.hearth.safetensors.format;

import java.nio.file.Path;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.model.UnsupportedModelException;

/**
 * A SafeTensors file or Hugging Face model folder that is corrupt or inconsistent. The message names the file,
 * the byte offset where one applies and the field or tensor, e.g.
 * {@code model.safetensors @0x48: tensor 'lm_head.weight' data_offsets: [0, 96] hold 96 bytes, F32 [4, 8] needs 128}.
 * Well-formed input naming something this plugin does not support (an architecture, a RoPE scaling type) is an
 * {@link UnsupportedModelException} instead, made by {@link #unsupported}.
 */
public class SafetensorsException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    public SafetensorsException(Path file, long offset, String item, String problem) {
        super(file, offset, item, problem);
    }

    public SafetensorsException(Path file, long offset, String item, String problem, Throwable cause) {
        super(file, offset, item, problem, cause);
    }

    /** {@code config.json: architectures: 'GPT2LMHeadModel' is not supported (supported: ...)}. */
    public static UnsupportedModelException unsupported(Path file, String item, String value, String supported) {
        return new UnsupportedModelException(file, NO_OFFSET, item,
                "'" + value + "' is not supported (supported: " + supported + ")");
    }
}
