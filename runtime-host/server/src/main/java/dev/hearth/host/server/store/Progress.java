package dev.hearth.host.server.store;

import java.io.PrintStream;
import java.util.Locale;

/** Tells the user how a download goes. */
public interface Progress {

    /** A transfer of {@code name} starts with {@code have} bytes already there, of {@code total} (-1 unknown). */
    void start(String name, long have, long total);

    /** {@code bytes} more arrived. */
    void advance(long bytes);

    /** The transfer ended (done or failed). */
    void end();

    Progress NONE = new Progress() {
        @Override
        public void start(String name, long have, long total) {
        }

        @Override
        public void advance(long bytes) {
        }

        @Override
        public void end() {
        }
    };

    /** A one-line bar redrawn with {@code \r} at most five times a second: percent, bytes, speed. */
    static Progress bar(PrintStream out) {
        return new Progress() {
            private String name;
            private long total;
            private long done;
            private long startDone;
            private long startNanos;
            private long lastDraw;

            @Override
            public void start(String n, long have, long t) {
                name = n;
                total = t;
                done = have;
                startDone = have;
                startNanos = System.nanoTime();
                lastDraw = 0;
                draw(true);
            }

            @Override
            public void advance(long bytes) {
                done += bytes;
                draw(false);
            }

            @Override
            public void end() {
                draw(true);
                out.println();
                out.flush();
            }

            private void draw(boolean force) {
                long now = System.nanoTime();
                if (!force && now - lastDraw < 200_000_000L) return;
                lastDraw = now;
                double secs = Math.max(1e-3, (now - startNanos) / 1e9);
                double speed = (done - startDone) / secs;
                int width = 30;
                String bar;
                String pct;
                if (total > 0) {
                    int fill = (int) Math.min(width, done * width / total);
                    bar = "#".repeat(fill) + "-".repeat(width - fill);
                    pct = String.format(Locale.ROOT, "%3d%%", Math.min(100, done * 100 / total));
                } else {
                    bar = "?".repeat(width);
                    pct = "  ?%";
                }
                out.printf(Locale.ROOT, "\r%s [%s] %s %s / %s  %s/s   ", name, bar, pct, size(done),
                        total > 0 ? size(total) : "?", size((long) speed));
                out.flush();
            }
        };
    }

    /** Bytes as {@code 12.3 MiB}. */
    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
