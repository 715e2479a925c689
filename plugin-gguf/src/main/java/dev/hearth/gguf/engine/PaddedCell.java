package dev.hearth.gguf.engine;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One atomic long alone on its cache line: the middle slot of a 16-long array, so 64 bytes on either side belong
 * to no other object. {@link WorkerPool}'s step counter, piece counter and pending count each get one: sharing a
 * line, every piece claimed invalidated the line that 14 idle threads were spinning on.
 */
final class PaddedCell {

    private static final int SLOT = 8;

    private final AtomicLongArray cell = new AtomicLongArray(2 * SLOT);

    long get() {
        return cell.get(SLOT);
    }

    void set(long value) {
        cell.set(SLOT, value);
    }

    long getAndAdd(long delta) {
        return cell.getAndAdd(SLOT, delta);
    }

    long decrementAndGet() {
        return cell.decrementAndGet(SLOT);
    }
}
