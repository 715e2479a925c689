package dev.hearth.benchmark;

import java.util.Arrays;

/**
 * Descriptive statistics of measured samples.
 *
 * <ul>
 *   <li>{@link #mean}: arithmetic mean.</li>
 *   <li>{@link #stddev}: <em>sample</em> standard deviation, divisor {@code n - 1} (Bessel's correction); 0 for a
 *       single sample.</li>
 *   <li>{@link #percentile}: linear interpolation between closest ranks on the sorted samples, the method of
 *       Hyndman and Fan's definition 7 (the default of R, NumPy and Excel's {@code PERCENTILE.INC}): for
 *       {@code p} in [0, 100], the rank is {@code h = (n - 1) * p / 100}, and the value is
 *       {@code x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])}.</li>
 * </ul>
 * Empty input gives {@link Double#NaN} everywhere, which the printers write as an empty cell.
 */
public final class Statistics {

    private Statistics() {}

    public static double mean(double[] xs) {
        if (xs.length == 0) return Double.NaN;
        double sum = 0;
        for (double x : xs) sum += x;
        return sum / xs.length;
    }

    /** Sample standard deviation (divisor n - 1). */
    public static double stddev(double[] xs) {
        if (xs.length == 0) return Double.NaN;
        if (xs.length == 1) return 0;
        double m = mean(xs);
        double ss = 0;
        for (double x : xs) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (xs.length - 1));
    }

    /** Percentile {@code p} in [0, 100], by linear interpolation between closest ranks. */
    public static double percentile(double[] xs, double p) {
        if (!(p >= 0 && p <= 100)) throw new IllegalArgumentException("percentile must be in [0, 100], was " + p);
        if (xs.length == 0) return Double.NaN;
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        return percentileOfSorted(sorted, p);
    }

    private static double percentileOfSorted(double[] sorted, double p) {
        double h = (sorted.length - 1) * p / 100.0;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Every statistic of one series at once. */
    public static Summary summarize(double[] xs) {
        if (xs.length == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        return new Summary(xs.length, mean(xs), stddev(xs), sorted[0], sorted[sorted.length - 1],
                percentileOfSorted(sorted, 50), percentileOfSorted(sorted, 95), percentileOfSorted(sorted, 99));
    }

    /** Statistics of one series; NaN fields when it was empty. */
    public record Summary(int n, double mean, double stddev, double min, double max,
                          double p50, double p95, double p99) {}
}
