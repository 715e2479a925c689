package dev.hearth.gguf.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of threads for one loaded model. {@link #parallelFor} splits a range of rows into contiguous
 * pieces that the threads claim one after another (about 16 per thread), so each core
 * streams its own parts of a weight matrix, and returns once all pieces are done: one barrier per step. Claiming
 * rather than a fixed split keeps both cores busy when one of them is slowed down (another process, a slower
 * kernel): the other takes the remaining pieces instead of waiting at the barrier. The calling thread works too.
 * Workers spin briefly before parking, since steps follow each other within microseconds during generation.
 */
public final class WorkerPool implements AutoCloseable {

    /** Work on rows {@code [start, end)}; called for disjoint pieces that together cover the range, from any thread. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPINS = 20_000;

    /**
     * Pieces per thread. The last piece of a step decides when it ends, so smaller pieces leave the threads less
     * unevenly done at each barrier (a decode step on 16 cores is about 90 barriers a token, each piece of 1/64th of
     * a step some 30 us of one core's work); claiming one is an atomic add. 16 rather than 4: on the 16-core Xeon,
     * Q4_K_M generation's per-run median token 12.8-15.1 ms against 14.8-17.6 ms.
     */
    private static final int PIECES_PER_THREAD = 16;

    /** With at least this many processors, {@link #defaultThreads} leaves one to the JVM and the system. */
    static final int LEAVE_ONE_FROM = 8;

    private final Thread[] workers;
    private final int threads;
    private final AtomicInteger pending = new AtomicInteger();
    /** The next unclaimed unit (of {@code grain} rows) of the current step. */
    private final AtomicInteger nextUnit = new AtomicInteger();
    private final Object callLock = new Object();
    private volatile long epoch;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;
    private RangeTask task;
    private int rows;
    private int grain;
    private int units;
    private int unitsPerPiece;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("hearth-cpu-" + (i + 1)).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    /**
     * The thread count for a pool when none is asked for: every processor below {@value #LEAVE_ONE_FROM}, one fewer
     * from {@value #LEAVE_ONE_FROM} on. Pool threads spin at barriers, so with one on every processor the JVM's own
     * threads (JIT compilers, GC, periodic tasks) and the system's can only run by preempting one of them for a
     * scheduler slice (milliseconds), and every step that thread holds a piece of waits that long: on the 16-core
     * Xeon (2026-11-26) 16 threads gave Q4_K_M tokens of p50 16 ms but p99 55 ms, 15 threads p99 19 ms and a higher
     * mean (66 against 56 t/s). With few processors one is too large a share to give up (2 threads on the 2-core EPYC
     * run steadily: p99 48 ms at p50 40 ms).
     */
    public static int defaultThreads(int processors) {
        return processors >= LEAVE_ONE_FROM ? processors - 1 : Math.max(1, processors);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, rows)} split into pieces of a multiple of {@code grain} rows (except the
     * last), claimed by the threads in order, and waits for all of them.
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
            this.units = (rows + this.grain - 1) / this.grain;
            this.unitsPerPiece = Math.max(1, units / (threads * PIECES_PER_THREAD));
            nextUnit.set(0);
            this.failure = null;
            this.caller = Thread.currentThread();
            pending.set(workers.length);
            epoch = epoch + 1; // volatile write publishes task, rows and grain
            for (Thread w : workers) LockSupport.unpark(w);
            Throwable own = null;
            try {
                runPieces();
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

    private void runPieces() {
        for (int unit; (unit = nextUnit.getAndAdd(unitsPerPiece)) < units; ) {
            task.run(unit * grain, Math.min(rows, (unit + unitsPerPiece) * grain));
        }
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() != 0) {
            if (spins++ < SPINS) Thread.onSpinWait();
            else LockSupport.parkNanos(this, 20_000);
        }
    }

    private void workerLoop() {
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
                runPieces();
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
