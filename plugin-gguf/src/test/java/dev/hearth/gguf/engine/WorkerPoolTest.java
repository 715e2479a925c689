package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link WorkerPool#parallelFor} covers every row exactly once, in pieces aligned to the grain, and reports failures. */
class WorkerPoolTest {

    @Test
    void everyRowExactlyOnceInGrainAlignedPieces() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int rows : new int[] {1, 15, 16, 17, 100, 5632, 32000}) {
                    for (int grain : new int[] {1, 16}) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(rows);
                        pool.parallelFor(rows, grain, (start, end) -> {
                            assertTrue(start % grain == 0 && start < end && end <= rows,
                                    "piece [" + start + ", " + end + ") of " + rows + " rows, grain " + grain);
                            for (int r = start; r < end; r++) seen.incrementAndGet(r);
                        });
                        for (int r = 0; r < rows; r++) {
                            assertEquals(1, seen.get(r), "row " + r + " of " + rows + ", grain " + grain
                                    + ", " + threads + " threads");
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

    @Test
    void defaultThreadsLeaveOneProcessorFromEightOn() {
        assertEquals(1, WorkerPool.defaultThreads(1));
        assertEquals(2, WorkerPool.defaultThreads(2));
        assertEquals(7, WorkerPool.defaultThreads(7));
        assertEquals(7, WorkerPool.defaultThreads(8));
        assertEquals(15, WorkerPool.defaultThreads(16));
        assertEquals(1, WorkerPool.defaultThreads(0));
    }
}
