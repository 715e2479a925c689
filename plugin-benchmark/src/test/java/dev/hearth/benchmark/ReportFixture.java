package dev.hearth.benchmark;

/** Gives tests in other packages a measured report. */
public final class ReportFixture {

    private ReportFixture() {}

    public static BenchmarkReport twoBackendReport() {
        return Fixtures.twoBackendReport();
    }
}
