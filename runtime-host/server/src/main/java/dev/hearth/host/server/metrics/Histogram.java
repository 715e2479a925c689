package dev.hearth.host.server.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** A Prometheus histogram of seconds: cumulative buckets, a sum and a count; thread-safe, lock-free. */
final class Histogram {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final AtomicLong count = new AtomicLong();

    Histogram(String name, String help, double... bounds) {
        this.name = name;
        this.help = help;
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length);
    }

    void observe(double seconds) {
        for (int i = 0; i < bounds.length; i++) {
            if (seconds <= bounds[i]) counts.incrementAndGet(i);
        }
        sum.add(seconds);
        count.incrementAndGet();
    }

    long count() {
        return count.get();
    }

    void write(StringBuilder out) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (int i = 0; i < bounds.length; i++) {
            out.append(name).append("_bucket{le=\"").append(Metrics.number(bounds[i])).append("\"} ")
                    .append(counts.get(i)).append('\n');
        }
        long n = count.get();
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(n).append('\n');
        out.append(name).append("_sum ").append(String.format(Locale.ROOT, "%.6f", sum.sum())).append('\n');
        out.append(name).append("_count ").append(n).append('\n');
    }
}
