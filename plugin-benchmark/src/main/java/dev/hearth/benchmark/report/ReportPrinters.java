package dev.hearth.benchmark.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The printers by name. */
public final class ReportPrinters {

    private static final Map<String, ReportPrinter> BY_NAME = new LinkedHashMap<>();

    static {
        for (ReportPrinter p : List.of(new CsvPrinter(), new JsonReport(), new MarkdownPrinter(), new HtmlPrinter())) {
            BY_NAME.put(p.name(), p);
        }
        BY_NAME.put("md", BY_NAME.get("markdown"));
    }

    private ReportPrinters() {}

    /** The printer called {@code name} ({@code md} is {@code markdown}). */
    public static ReportPrinter byName(String name) {
        ReportPrinter p = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown report format '" + name + "'; known: " + String.join(", ", names()));
        }
        return p;
    }

    public static List<String> names() {
        return List.of("csv", "json", "markdown", "html");
    }
}
