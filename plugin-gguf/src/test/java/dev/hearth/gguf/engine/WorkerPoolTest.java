package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WorkerPool#parallelFor} covers every row exactly once, in pieces aligned to the grain, and reports failures. */
class WorkerPoolTest {

    @Test
    void everyRowExactlyOnceInGrainAlignedPieces() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int rows : new int[] {1, 15, 16, 17, 100, 5632, 32000}) {
                    for (int grain : new int[] {1, 4, 16}) {
                        for (int align : new int[] {1, 4}) {
                            AtomicIntegerArray seen = new AtomicIntegerArray(rows);
                            pool.parallelFor(rows, grain, (start, end) -> {
                                assertTrue(start % grain == 0 && start < end && end <= rows,
                                        "piece [" + start + ", " + end + ") of " + rows + " rows, grain " + grain);
                                for (int r = start; r < end; r++) seen.incrementAndGet(r);
                            }, threads, align);
                            for (int r = 0; r < rows; r++) {
                                assertEquals(1, seen.get(r), "row " + r + " of " + rows + ", grain " + grain
                                        + ", align " + align + ", " + threads + " threads");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFailingPieceFailsTheCallAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(1000, 16,
                    (start, end) -> {
                        if (start <= 500 && 500 < end) throw new IllegalStateException("row 500");
                    }));
            assertEquals("row 500", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            pool.parallelFor(1000, 16, (start, end) -> {
                for (int r = start; r < end; r++) seen.incrementAndGet(r);
            });
            for (int r = 0; r < 1000; r++) assertEquals(1, seen.get(r), "row " + r);
        }
    }

    /**
     * One worker stops inside its first piece until every other row is done, so the rest of its share must be taken
     * over by the others: a pool that left a thread's share to that thread alone would never return (the timeout
     * says so).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theOthersTakeOverTheRowsOfAStalledWorker() {
        int rows = 4096;
        try (WorkerPool pool = new WorkerPool(4)) {
            for (int step = 0; step < 20; step++) {
                int[] marks = new int[rows];
                AtomicInteger doneByOthers = new AtomicInteger();
                AtomicInteger stalledPiece = new AtomicInteger(); // rows of the stalled worker's piece, 0 until it has one
                Map<Thread, Boolean> started = new ConcurrentHashMap<>();
                pool.parallelFor(rows, 16, (start, end) -> {
                    boolean first = started.putIfAbsent(Thread.currentThread(), true) == null;
                    if (Thread.currentThread().getName().equals("hearth-cpu-1")) {
                        stalledPiece.set(end - start);
                        while (doneByOthers.get() < rows - (end - start)) LockSupport.parkNanos(100_000);
                    } else if (first) {
                        // the others hold back until the stalled worker has a piece, so that it surely gets one
                        while (stalledPiece.get() == 0) LockSupport.parkNanos(100_000);
                    }
                    for (int r = start; r < end; r++) marks[r]++;
                    if (!Thread.currentThread().getName().equals("hearth-cpu-1")) doneByOthers.addAndGet(end - start);
                });
                for (int r = 0; r < rows; r++) assertEquals(1, marks[r], "row " + r + ", step " + step);
            }
        }
    }

    /**
     * Many short steps on more threads than processors, with pauses between steps and inside some: on the 2-core EPYC
     * nearly every worker parks in nearly every step (some 6.6 parks a step, 33,000 in all), so each step is a
     * chance to lose a wake-up, which would hang the step until the timeout. Every row is covered once in every step.
     * 5,000 steps take about 12 s there (with the flag read before the epoch write, the pool hung within 2,000); the
     * timeout only detects a hang.
     */
    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyStepsWithParkedWorkersLoseNoWakeUp() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int[] marks = new int[300];
        try (WorkerPool pool = new WorkerPool(8)) {
            for (int step = 0; step < 5_000; step++) {
                int rows = 1 + random.nextInt(marks.length);
                int grain = new int[] {1, 4, 16}[random.nextInt(3)];
                int pauseRow = random.nextInt(1000) == 0 ? random.nextInt(rows) : -1;
                // steps of all threads and of fewer, mixed, as generation and prompt passes mix them
                int participants = random.nextBoolean() ? 8 : 1 + random.nextInt(8);
                AtomicInteger outsider = new AtomicInteger(-1);
                pool.parallelFor(rows, grain, (start, end) -> {
                    int worker = workerIndex(Thread.currentThread());
                    if (worker >= participants) outsider.set(worker);
                    for (int r = start; r < end; r++) {
                        if (r == pauseRow) LockSupport.parkNanos(2_000_000);
                        marks[r]++;
                    }
                }, participants);
                assertEquals(-1, outsider.get(), "a worker outside the step's " + participants + " threads took a piece"
                        + ", step " + step + ", seed " + seed);
                for (int r = 0; r < rows; r++) {
                    assertEquals(1, marks[r], "row " + r + " of " + rows + ", step " + step + ", seed " + seed);
                    marks[r] = 0;
                }
                if (random.nextInt(8) == 0) LockSupport.parkNanos(random.nextInt(2_000_000));
            }
        }
    }

    /** The pool's thread index: 0 for the calling thread, N for worker {@code hearth-cpu-N}. */
    private static int workerIndex(Thread t) {
        String name = t.getName();
        return name.startsWith("hearth-cpu-") ? Integer.parseInt(name.substring("hearth-cpu-".length())) : 0;
    }

    /**
     * A step of fewer threads leaves the last workers out; the next step of all of them wakes them again: the left-out
     * worker, parked, must take pieces of a step it shares (each piece waits a little, so no thread can take them all).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aWorkerLeftOutOfGenerationStepsTakesPartInPromptSteps() {
        try (WorkerPool pool = new WorkerPool(8)) {
            assertEquals(7, pool.threadsFor(1));
            assertEquals(7, pool.threadsFor(ThreadActivations.MAX_ROWS));
            assertEquals(8, pool.threadsFor(ThreadActivations.MAX_ROWS + 1));
            for (int round = 0; round < 5; round++) {
                Map<Integer, Boolean> took = new ConcurrentHashMap<>();
                for (int step = 0; step < 200; step++) {
                    pool.parallelFor(640, 16, (start, end) -> took.put(workerIndex(Thread.currentThread()), true),
                            pool.threadsFor(1));
                }
                assertTrue(!took.containsKey(7), "worker 7 took a piece of a step of 7 threads");
                took.clear();
                pool.parallelFor(64, 1, (start, end) -> {
                    took.put(workerIndex(Thread.currentThread()), true);
                    LockSupport.parkNanos(2_000_000);
                });
                assertTrue(took.containsKey(7), "worker 7 took no piece of a step of all 8 threads: " + took.keySet());
            }
        }
        try (WorkerPool pool = new WorkerPool(4)) {
            assertEquals(4, pool.threadsFor(1), "below 8 threads generation keeps them all");
        }
    }

    @Test
    void defaultThreadsAreOnePerCore() {
        assertEquals(16, WorkerPool.defaultThreads(16, 1));
        assertEquals(8, WorkerPool.defaultThreads(16, 2));
        assertEquals(3, WorkerPool.defaultThreads(7, 2));
        assertEquals(1, WorkerPool.defaultThreads(1, 2));
        assertEquals(1, WorkerPool.defaultThreads(0, 1));
        assertEquals(2, WorkerPool.defaultThreads(2, 0));
    }
}
