package dev.hearth.benchmark.report;

import java.io.IOException;

import dev.hearth.benchmark.BenchmarkReport;

/** Writes a report in one format; printers are strategies chosen by {@link #name()} ({@link ReportPrinters}). */
public interface ReportPrinter {

    /** {@code csv}, {@code json}, {@code markdown}, {@code html}. */
    String name();

    /** File extension without the dot. */
    String extension();

    void print(BenchmarkReport report, Appendable out) throws IOException;

    /** The report as a string. */
    default String render(BenchmarkReport report) {
        StringBuilder sb = new StringBuilder();
        try {
            print(report, sb);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringBuilder does not throw
        }
        return sb.toString();
    }
}
