package dev.hearth.gguf.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of threads for one loaded model. {@link #parallelFor} splits a range of rows into contiguous
 * pieces and returns once all pieces are done: one barrier per step. Each thread has a home share of the range, a
 * contiguous part of it, and claims its pieces first, so each core streams its own part of a weight matrix and claims
 * on its own counter; then it takes pieces from the others' shares, its neighbour's first. A claim takes a quarter of
 * what is left of a share (guided scheduling), so pieces start large and end at one grain: the threads then finish a
 * step at most one grain apart.
 * Claiming rather than a fixed split keeps all cores busy when one of them is slowed down (another process, a slower
 * kernel): the others take its remaining pieces instead of waiting at the barrier. The calling thread works too. A
 * step may take fewer threads than the pool has ({@link #threadsFor}); the workers left out park.
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
     * A claim takes this fraction of what is left of a share. The last piece of a step decides when it ends: with
     * pieces of a fixed 1/16th of a share, the 16-core Xeon's threads finished a generation step 15-36 us apart (a
     * piece of the down projection was about 23 us), 12-18 % of the step.
     */
    private static final int GUIDE = 4;

    /**
     * Ints from one counter to the next in a padded array: 128 bytes, since Intel cores fetch cache lines in pairs
     * (the JDK's {@code @Contended} pads as much). Counters that different threads write at once then never share
     * a line, and a write to one does not take the others' lines away from the cores that use them.
     */
    private static final int STRIDE = 32;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final Thread[] workers;
    private final int threads;
    /** Per thread, the next unclaimed unit (of {@code grain} rows) of its home share in the current step. */
    private final int[] claims;
    /** Workers still working on the current step, at {@code slot(0)}. */
    private final int[] pending = padded(1);
    /** Per worker, 1 while it is parked or about to park ({@link #park}). */
    private final int[] parked;
    private final Object callLock = new Object();
    /**
     * The current step's number. Not padded: the caller writes it once a step just after the fields of the step
     * below, which every worker reads right after it, so sharing their line costs nothing.
     */
    private volatile long epoch;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;
    private RangeTask task;
    private int rows;
    private int grain;
    private int units;
    /** Claims of more than this many units end on a multiple of it, where they can. */
    private int align;
    /** Threads taking part in the current step: the caller and workers {@code 1 .. active - 1}. */
    private int active;
    /** The low bits of {@link #epoch} hold the step's {@link #active}, the high bits count the steps. */
    private static final int ACTIVE_BITS = 16;
    private static final long ACTIVE_MASK = (1L << ACTIVE_BITS) - 1;

    public WorkerPool(int threads) {
        if (threads < 1 || threads > ACTIVE_MASK) {
            throw new IllegalArgumentException("threads must be 1.." + ACTIVE_MASK + ", was " + threads);
        }
        this.threads = threads;
        this.claims = padded(threads);
        this.parked = padded(threads);
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int self = i + 1; // thread 0 is the caller
            workers[i] = Thread.ofPlatform().daemon().name("hearth-cpu-" + self).unstarted(() -> workerLoop(self));
            workers[i].start();
        }
    }

    /**
     * The thread count for a pool when none is asked for: one per physical core of the processors this process may
     * use. On the 16-core Xeon (2026-11-27, two calls, alternating) 16 threads against 15 gave 2-3 % more generation
     * on the mean and 14 % more F16 prompt speed (Q8_0 3 %, Q4_K_M even), with a longer tail of token times (p99
     * 48-64 ms against 31-50 ms): a pool thread that the JVM's or the system's threads preempt holds up the steps
     * it has a piece of. With the pool before guided claims and per-thread activations, 16 threads had lost 15 %.
     */
    public static int defaultThreads(int processors, int threadsPerCore) {
        return Math.max(1, processors / Math.max(1, threadsPerCore));
    }

    /** {@link #defaultThreads(int, int)} for the processors of this process and the machine's cores. */
    public static int defaultThreads() {
        return defaultThreads(Runtime.getRuntime().availableProcessors(), CpuCores.threadsPerCore(CpuCores.SYSFS_CPUS));
    }

    public int threads() {
        return threads;
    }

    /**
     * The threads a step over a batch of {@code tokens} rows takes ({@link #parallelFor(int, int, RangeTask, int)}):
     * for generation passes (up to {@link ThreadActivations#MAX_ROWS} tokens), from 8 threads on, one fewer, its
     * worker parked, so that the JVM's and the system's own threads find a free processor instead of preempting a
     * pool thread, whose claimed piece then holds up the whole step. On the 16-core Xeon (2026-11-27) 7 % of
     * generation steps on 16 threads waited 160 us or more for one preempted thread (15 % of the pool's time; no
     * steal time in the VM); with 15 the p99 token time fell from 37-98 ms to 14-30 ms, Q8_0 generation rose 11 %
     * and Q4_K_M's stayed level. Prompt batches, bound by arithmetic, take every thread.
     */
    public int threadsFor(int tokens) {
        return tokens <= ThreadActivations.MAX_ROWS && threads >= 8 ? threads - 1 : threads;
    }

    /**
     * Runs {@code task} over {@code [0, rows)} split into pieces of a multiple of {@code grain} rows (except the
     * last of each thread's share), claimed by the threads, and waits for all of them.
     */
    public void parallelFor(int rows, int grain, RangeTask task) {
        parallelFor(rows, grain, task, threads);
    }

    /**
     * {@link #parallelFor(int, int, RangeTask)} on the calling thread and the first {@code participants - 1}
     * workers (at most all of them); the others stay parked, or park, without taking part.
     */
    public void parallelFor(int rows, int grain, RangeTask task, int participants) {
        parallelFor(rows, grain, task, participants, 1);
    }

    /**
     * {@link #parallelFor(int, int, RangeTask, int)} whose pieces of more than {@code align} grains end on a multiple
     * of {@code align} grains where the claim allows, so that a step keeps whole tiles of {@code align} grains for all
     * but its last pieces, which go down to one grain: the threads then finish a step at most one grain apart
     * instead of one tile.
     */
    public void parallelFor(int rows, int grain, RangeTask task, int participants, int align) {
        if (rows <= 0) return;
        int n = Math.clamp(participants, 1, threads);
        if (n == 1 || rows <= grain) {
            task.run(0, rows);
            return;
        }
        synchronized (callLock) {
            if (closed) throw new IllegalStateException("worker pool is closed");
            this.task = task;
            this.rows = rows;
            this.grain = Math.max(1, grain);
            this.units = (rows + this.grain - 1) / this.grain;
            this.align = Math.max(1, align);
            this.active = n;
            for (int i = 0; i < n; i++) claims[slot(i)] = shareStart(i);
            this.failure = null;
            this.caller = Thread.currentThread();
            pending[slot(0)] = n - 1;
            // one volatile write publishes the step, the counters above and its thread count, read with the step's
            // number so that a worker late to look cannot take the count of a later step for this one
            epoch = (epoch & ~ACTIVE_MASK) + (1L << ACTIVE_BITS) + n;
            for (int i = 0; i < n - 1; i++) {
                if ((int) INTS.getVolatile(parked, slot(i + 1)) != 0) LockSupport.unpark(workers[i]);
            }
            Throwable own = null;
            try {
                runPieces(0);
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

    /** Claims pieces of thread {@code self}'s home share, then of the others' shares going round, until none is left. */
    private void runPieces(int self) {
        for (int k = 0; k < active; k++) {
            int share = (self + k) % active;
            int end = shareStart(share + 1);
            int slot = slot(share);
            // reading before adding leaves a used-up share's line unwritten, so late readers of it need not take it over
            int next;
            while ((next = (int) INTS.getVolatile(claims, slot)) < end) {
                int size = claimSize(next, end);
                int unit = (int) INTS.getAndAdd(claims, slot, size);
                if (unit >= end) break;
                task.run(unit * grain, Math.min(rows, Math.min(unit + size, end) * grain));
            }
        }
    }

    /**
     * Units a claim at {@code next} takes of a share ending at {@code end}: a quarter of what is left, at least one;
     * above {@link #align} units, cut back to end on a multiple of it. A claim made by another thread in between
     * can shift the piece off the multiple, which costs speed, never a row.
     */
    private int claimSize(int next, int end) {
        int size = Math.max(1, (end - next) / GUIDE);
        if (size > align) {
            int aligned = (next + size) / align * align - next;
            if (aligned > 0) size = aligned;
        }
        return size;
    }

    /** The first unit of thread {@code i}'s home share; {@code shareStart(active)} is the number of units. */
    private int shareStart(int i) {
        return (int) ((long) i * units / active);
    }

    private void awaitWorkers() {
        int spins = 0;
        while ((int) INTS.getVolatile(pending, slot(0)) != 0) {
            if (spins++ < SPINS) Thread.onSpinWait();
            else LockSupport.parkNanos(this, 20_000);
        }
    }

    private void workerLoop(int self) {
        long seen = 0;
        boolean left = false;
        while (true) {
            long e;
            // a worker left out of the last step parks at once: spinning would keep its processor from others
            int spins = left ? SPINS : 0;
            while ((e = epoch) == seen) {
                if (closed) return;
                if (spins++ < SPINS) Thread.onSpinWait();
                else park(self, seen);
            }
            seen = e;
            left = self >= (int) (e & ACTIVE_MASK);
            if (left) continue;
            try {
                runPieces(self);
            } catch (Throwable t) {
                failure = t;
            }
            if ((int) INTS.getAndAdd(pending, slot(0), -1) == 1) LockSupport.unpark(caller);
        }
    }

    /**
     * Parks worker {@code self} until a step after {@code seen} begins or the pool closes (or spuriously; the caller
     * loops). No wake-up can be lost: this thread writes its flag and then reads the epoch, {@link #parallelFor}
     * writes the epoch and then reads the flag, and volatile accesses happen in one total order, so at least one of
     * the two reads sees the other's write: either this thread sees the new epoch and does not park, or the caller
     * sees the flag and unparks it. An unpark before the park is kept as the thread's permit, so the park then
     * returns at once; {@link #close} unparks every worker.
     */
    private void park(int self, long seen) {
        INTS.setVolatile(parked, slot(self), 1);
        if (epoch == seen && !closed) LockSupport.park(this);
        INTS.setVolatile(parked, slot(self), 0);
    }

    /** An array of {@code n} ints each on its own lines, at {@link #slot}. */
    private static int[] padded(int n) {
        return new int[(n + 1) * STRIDE];
    }

    private static int slot(int i) {
        return (i + 1) * STRIDE;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
