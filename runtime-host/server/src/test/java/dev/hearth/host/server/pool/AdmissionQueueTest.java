package dev.hearth.host.server.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class AdmissionQueueTest {

    @Test
    void refusesBeyondParallelPlusCapacityWithARetryAfter() throws Exception {
        AdmissionQueue q = new AdmissionQueue(2, 1);
        AdmissionQueue.Ticket a = q.enter();
        AdmissionQueue.Ticket b = q.enter();
        AdmissionQueue.Ticket c = q.enter();
        AdmissionQueue.Full full = assertThrows(AdmissionQueue.Full.class, q::enter);
        assertTrue(full.retryAfterSeconds() >= 1);
        a.awaitTurn();
        b.awaitTurn();
        assertEquals(2, q.running());
        assertEquals(1, q.waiting());
        a.close();
        c.awaitTurn();
        assertEquals(2, q.running());
        b.close();
        c.close();
        c.close(); // idempotent
        assertEquals(0, q.running());
        assertEquals(0, q.waiting());
        q.enter().close();
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        AdmissionQueue q = new AdmissionQueue(1, 10);
        AdmissionQueue.Ticket first = q.enter();
        first.awaitTurn();
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            AdmissionQueue.Ticket t = q.enter(); // entered in order i
            int n = i;
            Thread.ofVirtual().start(() -> {
                try (t) {
                    t.awaitTurn();
                    order.add(n);
                } catch (InterruptedException | AdmissionQueue.Dropped e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(50);
        first.close();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    @Test
    void aTicketLeavingBeforeItsTurnDoesNotBlockThoseBehind() throws Exception {
        AdmissionQueue q = new AdmissionQueue(1, 5);
        AdmissionQueue.Ticket running = q.enter();
        running.awaitTurn();
        AdmissionQueue.Ticket leaves = q.enter();
        AdmissionQueue.Ticket stays = q.enter();
        leaves.close();
        running.close();
        CountDownLatch admitted = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                stays.awaitTurn();
                admitted.countDown();
            } catch (InterruptedException | AdmissionQueue.Dropped e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(admitted.await(5, TimeUnit.SECONDS), "the ticket behind the one that left is admitted");
    }

    @Test
    void aDroppedTicketEndsItsWaitAndNeverRuns() throws Exception {
        AdmissionQueue q = new AdmissionQueue(1, 5);
        AdmissionQueue.Ticket running = q.enter();
        running.awaitTurn();
        AdmissionQueue.Ticket gone = q.enter();
        AdmissionQueue.Ticket next = q.enter();
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try (gone) {
                gone.awaitTurn();
            } catch (InterruptedException | AdmissionQueue.Dropped e) {
                outcome.set(e);
            } finally {
                ended.countDown();
            }
        });
        Thread.sleep(50);
        assertTrue(gone.drop(), "a waiting ticket can be dropped");
        assertTrue(ended.await(5, TimeUnit.SECONDS), "its wait ends at once, not when its turn comes");
        assertInstanceOf(AdmissionQueue.Dropped.class, outcome.get());
        assertEquals(1, q.waiting(), "only the ticket behind it still waits");
        assertFalse(gone.drop(), "dropping twice does nothing");
        running.close();
        next.awaitTurn(); // would block if the dropped ticket still held its place
        assertEquals(1, q.running());
        assertFalse(next.drop(), "a running ticket cannot be dropped");
        next.close();
        assertEquals(0, q.running());
        assertEquals(0, q.waiting());
    }
}
