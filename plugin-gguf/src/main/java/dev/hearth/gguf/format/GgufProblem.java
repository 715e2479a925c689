package dev.hearth.gguf.format;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.model.UnsupportedModelException;

/**
 * One problem found by {@link GgufVerifier}.
 *
 * @param severity how bad it is
 * @param offset   byte position in the file, or {@link ModelFileException#NO_OFFSET}
 * @param item     what it is about: {@code key 'llama.block_count'}, {@code tensor 'blk.0.attn_q.weight'},
 *                 {@code magic}, {@code architecture}
 * @param message  the problem, without file, offset and item
 */
public record GgufProblem(Severity severity, long offset, String item, String message) {

    public enum Severity {
        /** The file is corrupt or inconsistent: loading it fails or gives wrong results. */
        ERROR,
        /** Well-formed, but uses something Hearth does not compute with. */
        UNSUPPORTED,
        /** Unusual but loadable, or not checked. */
        WARNING
    }

    /** The problem an exception describes: UNSUPPORTED for {@link UnsupportedModelException}, else ERROR. */
    public static GgufProblem of(ModelFileException e) {
        Severity s = e instanceof UnsupportedModelException ? Severity.UNSUPPORTED : Severity.ERROR;
        String message = switch (e) {
            case GgufException g -> g.problem();
            case GgufUnsupportedException u -> u.problem();
            default -> e.getMessage();
        };
        return new GgufProblem(s, e.offset(), e.item(), message);
    }

    static GgufProblem error(long offset, String item, String message) {
        return new GgufProblem(Severity.ERROR, offset, item, message);
    }

    static GgufProblem warning(long offset, String item, String message) {
        return new GgufProblem(Severity.WARNING, offset, item, message);
    }

    /** {@code ERROR @0x1a2f: tensor 'blk.3.attn_q.weight': offset 4096 is not a multiple of alignment 32}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(severity.name());
        if (offset >= 0) {
            sb.append(" @0x").append(Long.toHexString(offset));
        }
        sb.append(": ");
        if (item != null && !item.isEmpty()) {
            sb.append(item).append(": ");
        }
        return sb.append(message).toString();
    }
}
