package dev.hearth.gguf.engine;

import dev.hearth.api.backend.DecodeBatching;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaState;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching for one loaded model: the single-token decode steps that sessions ask for at the same time go
 * through one forward pass together ({@link LlamaForward#decode}), so the weights stream from memory once per step
 * for all of them instead of once per session. Sessions join and leave from one step to the next.
 *
 * <p>No thread of its own: the first waiting session whose step has not run yet leads the next pass and wakes the
 * others when it is done. A leader first gives the sessions of the previous pass a short moment (an eighth of that
 * pass's time) to come back with their next token, so steady streams keep stepping together rather than splitting
 * into groups that alternate.
 */
final class DecodeBatcher {

    /** One session's pending step; each session reuses its own, so a step allocates nothing. */
    static final class Step {
        final LlamaState sequence;
        int token;
        int position;
        boolean done;
        Throwable failure;

        Step(LlamaState sequence) {
            this.sequence = sequence;
        }
    }

    private final LlamaForward forward;
    private final LlamaState scratch;
    private final LlamaState[] sequences;
    private final int[] tokens;
    private final int[] positions;
    private final Step[] running;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Step> waiting = new ArrayDeque<>();
    private boolean leading;
    private int lastRows;
    private long lastPassNanos;
    private long passes;
    private long rows;

    /** @param maxRows sessions one pass takes at most (at most {@link LlamaState#MAX_BATCH}) */
    DecodeBatcher(LlamaForward forward, KvCacheType kvType, int maxRows) {
        this.forward = forward;
        // activations only: the rows' KV caches are their sessions'
        this.scratch = new LlamaState(forward.config(), 1, kvType, maxRows);
        this.sequences = new LlamaState[maxRows];
        this.tokens = new int[maxRows];
        this.positions = new int[maxRows];
        this.running = new Step[maxRows];
    }

    /**
     * Evaluates {@code token} at {@code position} of {@code step}'s sequence, together with whatever other sessions
     * step at the same time; returns when its logits are in {@code step.sequence.logits(0)}.
     */
    void decode(Step step, int token, int position) {
        lock.lock();
        try {
            step.token = token;
            step.position = position;
            step.done = false;
            step.failure = null;
            waiting.add(step);
            changed.signalAll(); // a leader may be gathering
            while (!step.done) {
                if (leading) {
                    changed.awaitUninterruptibly();
                } else {
                    lead();
                }
            }
        } finally {
            lock.unlock();
        }
        Throwable t = step.failure;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    /** Runs one pass over the waiting steps; called and returns with the lock held. */
    private void lead() {
        leading = true;
        int n = 0;
        try {
            gather();
            n = Math.min(waiting.size(), running.length);
            for (int b = 0; b < n; b++) {
                Step s = waiting.poll();
                running[b] = s;
                sequences[b] = s.sequence;
                tokens[b] = s.token;
                positions[b] = s.position;
            }
            Throwable failure = null;
            long t0 = System.nanoTime();
            lock.unlock();
            try {
                forward.decode(scratch, sequences, tokens, positions, n);
            } catch (Throwable t) {
                failure = t;
            } finally {
                lock.lock();
            }
            lastPassNanos = System.nanoTime() - t0;
            lastRows = n;
            passes++;
            rows += n;
            for (int b = 0; b < n; b++) {
                running[b].failure = failure;
                running[b].done = true;
                running[b] = null;
                sequences[b] = null;
            }
        } finally {
            leading = false;
            changed.signalAll();
        }
    }

    /** Waits briefly for the sessions of the last pass, unless they are all back or the pass is full already. */
    private void gather() {
        long deadline = System.nanoTime() + lastPassNanos / 8;
        int expected = Math.min(lastRows, running.length);
        while (waiting.size() < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            try {
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // keep the flag for the caller; run what is here
                return;
            }
        }
    }

    /** Passes run so far and the session steps they held. */
    DecodeBatching counts() {
        lock.lock();
        try {
            return new DecodeBatching(passes, rows);
        } finally {
            lock.unlock();
        }
    }
}
