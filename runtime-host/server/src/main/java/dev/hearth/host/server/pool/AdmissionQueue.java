package dev.hearth.host.server.pool;

import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admission of generation requests: at most {@code parallel} run at once, at most {@code capacity} more wait in
 * arrival order, and any further request is refused at once ({@link Full}, answered with HTTP 429 and a
 * {@code Retry-After} from the recent mean duration). Non-generation endpoints never pass through it, so the host
 * stays responsive under a flood.
 *
 * <pre>{@code
 * try (AdmissionQueue.Ticket t = queue.enter()) {   // throws Full
 *     t.awaitTurn();                                 // blocks in FIFO order
 *     ... generate ...
 * }                                                  // frees the slot, or leaves the queue
 * }</pre>
 *
 * <p>A waiting ticket can be {@linkplain Ticket#drop() dropped} from another thread (its client went away): its wait
 * ends with {@link Dropped} and it never takes a slot.
 */
public final class AdmissionQueue {

    /** The queue is full: the request is refused, and may be retried after {@link #retryAfterSeconds}. */
    public static final class Full extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient int retryAfterSeconds;

        Full(int running, int waiting, int retryAfterSeconds) {
            super("the server is busy: " + running + " generations running and " + waiting
                    + " waiting (the queue is full); retry after " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** The ticket was dropped while it waited (its client went away); it never ran. */
    public static final class Dropped extends Exception {
        private static final long serialVersionUID = 1L;

        Dropped() {
            super("dropped from the queue: the client went away");
        }
    }

    private final int parallel;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition turn = lock.newCondition();
    private int running;
    private int waiting;
    private long nextTicket;
    private long nextServed;
    /**
     * Tickets that left before their turn (the wait was interrupted): passed over when the queue reaches them, so
     * they never block those behind.
     */
    private final TreeSet<Long> abandoned = new TreeSet<>();
    /** Exponential moving mean of how long a slot is held, in nanoseconds. */
    private double meanHoldNanos = 1e9;

    public AdmissionQueue(int parallel, int capacity) {
        if (parallel < 1) throw new IllegalArgumentException("parallel must be >= 1, was " + parallel);
        if (capacity < 0) throw new IllegalArgumentException("queue capacity must be >= 0, was " + capacity);
        this.parallel = parallel;
        this.capacity = capacity;
    }

    /** Joins the queue, or throws {@link Full} when {@code parallel + capacity} requests are already in. */
    public Ticket enter() throws Full {
        lock.lock();
        try {
            if (running + waiting >= parallel + capacity) {
                throw new Full(running, waiting, retryAfter());
            }
            waiting++;
            return new Ticket(nextTicket++);
        } finally {
            lock.unlock();
        }
    }

    public int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Seconds until a place is likely free: the requests ahead over the slots, times the mean hold; at least 1. */
    private int retryAfter() {
        double rounds = Math.max(1.0, (double) (running + waiting) / parallel);
        return (int) Math.max(1, Math.min(3600, Math.ceil(rounds * meanHoldNanos / 1e9)));
    }

    /** One request's place: waiting, then running, then done. */
    public final class Ticket implements AutoCloseable {
        private final long number;
        private boolean admitted;
        private boolean closed;
        private boolean dropped;
        private long admittedAt;

        private Ticket(long number) {
            this.number = number;
        }

        /**
         * Waits until it is this ticket's turn and a slot is free; returns the nanoseconds waited. Throws
         * {@link Dropped} when {@link #drop()} was called before the turn came.
         */
        public long awaitTurn() throws InterruptedException, Dropped {
            long start = System.nanoTime();
            lock.lock();
            try {
                while (!dropped && (number != nextServed || running >= parallel)) {
                    turn.await(100, TimeUnit.MILLISECONDS);
                }
                if (dropped) throw new Dropped();
                nextServed++;
                advancePastAbandoned();
                waiting--;
                running++;
                admitted = true;
                admittedAt = System.nanoTime();
                turn.signalAll(); // the next ticket may also find a free slot
                return admittedAt - start;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Drops a ticket that is still waiting: its {@link #awaitTurn} ends with {@link Dropped} and those behind move
         * up at once. Returns false (and does nothing) when the ticket is already running or closed. Any thread.
         */
        public boolean drop() {
            lock.lock();
            try {
                if (admitted || closed || dropped) return false;
                dropped = true;
                waiting--;
                skipped(number);
                turn.signalAll();
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Frees the slot, or gives up the place in the queue. Idempotent. */
        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) return;
                closed = true;
                if (admitted) {
                    running--;
                    meanHoldNanos = 0.8 * meanHoldNanos + 0.2 * (System.nanoTime() - admittedAt);
                } else if (!dropped) {
                    waiting--;
                    skipped(number);
                }
                turn.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void skipped(long number) {
        abandoned.add(number);
        advancePastAbandoned();
    }

    private void advancePastAbandoned() {
        while (abandoned.remove(nextServed)) nextServed++;
    }
}
