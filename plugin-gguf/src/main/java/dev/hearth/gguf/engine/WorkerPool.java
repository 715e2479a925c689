package dev.hearth.gguf.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of threads for one loaded model. {@link #parallelFor} splits a range of rows into one contiguous
 * slice per thread, so each core streams its own part of a weight matrix, and returns once all slices are done:
 * one barrier per step. The calling thread computes the first slice itself. Workers spin briefly before parking,
 * since steps follow each other within microseconds during generation.
 */
public final class WorkerPool implements AutoCloseable {

    /** Work on rows {@code [start, end)}; called once per thread per step. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPINS = 20_000;

    private final Thread[] workers;
    private final int threads;
    private final AtomicInteger pending = new AtomicInteger();
    private final Object callLock = new Object();
    private volatile long epoch;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;
    private RangeTask task;
    private int rows;
    private int grain;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int slice = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("hearth-cpu-" + slice).unstarted(() -> workerLoop(slice));
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, rows)} split into one slice per thread, each slice a multiple of
     * {@code grain} rows (except the last), and waits for all of them.
     */
    public void parallelFor(int rows, int grain, RangeTask task) {
        if (rows <= 0) return;
        if (threads == 1 || rows <= grain) {
            task.run(0, rows);
            return;
        }
        synchronized (callLock) {
            if (closed) throw new IllegalStateException("worker pool is closed");
            this.task = task;
            this.rows = rows;
            this.grain = Math.max(1, grain);
            this.failure = null;
            this.caller = Thread.currentThread();
            pending.set(workers.length);
            epoch = epoch + 1; // volatile write publishes task, rows and grain
            for (Thread w : workers) LockSupport.unpark(w);
            Throwable own = null;
            try {
                runSlice(0);
            } catch (Throwable t) {
                own = t;
            }
            awaitWorkers();
            Throwable t = own != null ? own : failure;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }

    private void runSlice(int slice) {
        int units = (rows + grain - 1) / grain;
        int startUnit = (int) ((long) units * slice / threads);
        int endUnit = (int) ((long) units * (slice + 1) / threads);
        int start = startUnit * grain;
        int end = Math.min(rows, endUnit * grain);
        if (start < end) task.run(start, end);
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() != 0) {
            if (spins++ < SPINS) Thread.onSpinWait();
            else LockSupport.parkNanos(this, 20_000);
        }
    }

    private void workerLoop(int slice) {
        long seen = 0;
        while (true) {
            long e;
            int spins = 0;
            while ((e = epoch) == seen) {
                if (closed) return;
                if (spins++ < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            seen = e;
            try {
                runSlice(slice);
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
