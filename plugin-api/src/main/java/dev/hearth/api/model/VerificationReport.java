package dev.hearth.api.model;

import java.nio.file.Path;
import java.util.List;

/** The outcome of verifying a model file: every problem found, each with its offset. */
public record VerificationReport(Path path, String format, List<Problem> problems) {

    public VerificationReport {
        problems = List.copyOf(problems);
    }

    /** True when nothing is wrong: warnings alone still pass. */
    public boolean ok() {
        return problems.stream().noneMatch(p -> p.severity() != Severity.WARNING);
    }

    public enum Severity {
        /** Corrupt or inconsistent: loading fails or gives wrong results. */
        ERROR,
        /** Well-formed, but uses something the plugin does not compute with. */
        UNSUPPORTED,
        /** Unusual but loadable. */
        WARNING
    }

    /**
     * One problem.
     *
     * @param severity how bad it is
     * @param offset   byte offset in the file, or {@link ModelFileException#NO_OFFSET}
     * @param item     the field, key or tensor concerned
     * @param message  what was expected and what was found
     */
    public record Problem(Severity severity, long offset, String item, String message) {

        public static Problem error(long offset, String item, String message) {
            return new Problem(Severity.ERROR, offset, item, message);
        }

        public static Problem warning(long offset, String item, String message) {
            return new Problem(Severity.WARNING, offset, item, message);
        }

        /** The problem an exception describes: UNSUPPORTED for {@link UnsupportedModelException}, else ERROR. */
        public static Problem of(ModelFileException e) {
            return new Problem(e instanceof UnsupportedModelException ? Severity.UNSUPPORTED : Severity.ERROR,
                    e.offset(), e.item(), e.problem());
        }

        /** {@code ERROR @0x1a2f: tensor 'blk.3.attn_q.weight': offset 4096 is not a multiple of alignment 32}. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(severity.name());
            if (offset >= 0) sb.append(" @0x").append(Long.toHexString(offset));
            sb.append(": ");
            if (item != null && !item.isEmpty()) sb.append(item).append(": ");
            return sb.append(message).toString();
        }
    }
}
