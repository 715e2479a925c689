package dev.hearth.benchmark.cli;

import java.io.PrintStream;

import dev.hearth.benchmark.BenchmarkRunner;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A progress bar on the command's error stream (me.tongfei:progressbar, embedded privately). The bar is handed
 * our own consumer with a fixed width, so the library never probes the terminal (its jline use stays unreached).
 */
final class TerminalProgress implements BenchmarkRunner.Progress {

    private static final int WIDTH = 100;
    private final PrintStream err;
    private ProgressBar bar;

    TerminalProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void start(long steps) {
        bar = new ProgressBarBuilder().setTaskName("bench").setInitialMax(steps).setUpdateIntervalMillis(250)
                .setConsumer(new DelegatingProgressBarConsumer(this::draw, WIDTH)).hideEta().build();
    }

    private void draw(String line) { // not synchronized: close() waits for the bar thread drawing
        err.print('\r');
        err.print(line);
        err.flush();
    }

    @Override
    public synchronized void step(String label) {
        if (bar == null) return;
        bar.step();
        bar.setExtraMessage(label.length() > 40 ? label.substring(0, 40) : label);
    }

    @Override
    public synchronized void note(String line) {
        err.print('\r');
        err.print(" ".repeat(WIDTH));
        err.print('\r');
        err.println(line);
    }

    @Override
    public synchronized void finish() {
        if (bar == null) return;
        bar.close();
        bar = null;
        err.println();
    }
}
