package dev.hearth.gguf.format;

import dev.hearth.api.model.ModelFileException;
import java.nio.file.Path;

/**
 * A GGUF file that is corrupt, truncated or inconsistent, or a metadata value of the wrong type. The message
 * reads {@code model.gguf @0x1a2f: tensor 'blk.3.attn_q.weight': offset 4096 is not a multiple of alignment 32}.
 */
public class GgufException extends ModelFileException {
    private static final long serialVersionUID = 1L;


    public GgufException(Path file, long offset, String item, String problem) {
        super(file, offset, item, problem);
    }

    public GgufException(Path file, long offset, String item, String problem, Throwable cause) {
        super(file, offset, item, problem, cause);
    }

}
