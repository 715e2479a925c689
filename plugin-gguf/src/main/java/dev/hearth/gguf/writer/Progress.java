package dev.hearth.gguf.writer;

import java.io.PrintStream;

/** Reports progress of long work (tensor {@code done} of {@code total}), e.g. as a line on stderr. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (done, total, what) -> { };

    void step(int done, int total, String what);

    /**
     * Prints {@code prefix: done/total what} on {@code err} at most every two seconds, and always the last step, so a
     * long run shows life without flooding a log.
     */
    static Progress lines(PrintStream err, String prefix) {
        return new Progress() {
            private long last;

            @Override
            public void step(int done, int total, String what) {
                long now = System.nanoTime();
                if (done == total || now - last > 2_000_000_000L) {
                    last = now;
                    err.printf("%s: %d/%d %s%n", prefix, done, total, what);
                }
            }
        };
    }
}
