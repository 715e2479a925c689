package dev.hearth.api.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be read: corrupt, truncated or inconsistent. The message always names the file,
 * the byte offset where it is known, and the item (field, tensor, key) that is wrong, for example
 * {@code model.gguf @0x1a2f: tensor 'blk.3.attn_q.weight' offset 4096 is not a multiple of alignment 32}.
 * Format plugins subclass it once per format.
 */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Offset value meaning "not tied to one byte position". */
    public static final long NO_OFFSET = -1;

    private final Path file;
    private final long offset;
    private final String item;
    private final String problem;

    public ModelFileException(Path file, long offset, String item, String problem) {
        this(file, offset, item, problem, null);
    }

    public ModelFileException(Path file, long offset, String item, String problem, Throwable cause) {
        super(format(file, offset, item, problem), cause);
        this.file = file;
        this.offset = offset;
        this.item = item;
        this.problem = problem;
    }

    private static String format(Path file, long offset, String item, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<unknown file>" : String.valueOf(file.getFileName()));
        if (offset >= 0) {
            sb.append(" @0x").append(Long.toHexString(offset));
        }
        sb.append(": ");
        if (item != null && !item.isEmpty()) {
            sb.append(item).append(": ");
        }
        return sb.append(problem).toString();
    }

    public Path file() { return file; }

    /** Byte offset of the problem in the file, or {@link #NO_OFFSET}. */
    public long offset() { return offset; }

    /** The field, key or tensor the problem is about; may be empty. */
    public String item() { return item; }

    /** The problem alone, without file, offset and item. */
    public String problem() { return problem; }
}
