package dev.hearth.host.server.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
                } catch (InterruptedException e) {
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(admitted.await(5, TimeUnit.SECONDS), "the ticket behind the one that left is admitted");
    }
}
