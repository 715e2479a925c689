package dev.hearth.generation;

import java.util.List;

import dev.hearth.api.session.TokenListener;

/**
 * Delivers generated text to a {@link TokenListener} while watching for stop strings. Text that could still be
 * the start of a stop string is held back until it is decided: if the stop string completes, it and everything
 * after it are never delivered; if not, the held text goes out with a later token or at {@link #finish()}.
 *
 * <p>Each token id reaches the listener exactly once and in order, and the texts delivered join up to
 * {@link #text()}. A token whose text leaves something held back is delivered when the next token decides it
 * (so with no stop strings nothing is ever delayed).
 */
final class StopStringStreamer {

    private final List<String> stops;
    private final TokenListener listener;
    private final StringBuilder delivered = new StringBuilder();
    private final StringBuilder held = new StringBuilder();
    private int[] pending = new int[8];
    private int pendingCount;

    StopStringStreamer(List<String> stops, TokenListener listener) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.listener = listener;
    }

    /** Takes a token's text; returns true when a stop string has completed (generation must end). */
    boolean accept(int token, String text) {
        held.append(text);
        push(token);
        int at = firstStop();
        if (at >= 0) {
            held.setLength(at);
            deliver(pendingCount);
            return true;
        }
        int keep = heldPrefixLength();
        if (keep == 0) {
            deliver(pendingCount);
            return false;
        }
        // everything before the possible stop string goes out with the earlier tokens; the newest token waits
        if (pendingCount > 1) {
            String rest = held.substring(held.length() - keep);
            held.setLength(held.length() - keep);
            int last = pending[pendingCount - 1];
            deliver(pendingCount - 1);
            held.append(rest);
            push(last);
        }
        return false;
    }

    /** Delivers whatever is still held: generation ended without completing a stop string. */
    void finish() {
        deliver(pendingCount);
    }

    /** All text delivered so far. */
    String text() {
        return delivered.toString();
    }

    // ---------------------------------------------------------------------------------------------------------

    private void push(int token) {
        if (pendingCount == pending.length) pending = java.util.Arrays.copyOf(pending, pending.length * 2);
        pending[pendingCount++] = token;
    }

    /** Sends the first {@code count} pending tokens; the first carries all held text, the others "". */
    private void deliver(int count) {
        String text = held.toString();
        held.setLength(0);
        delivered.append(text);
        for (int i = 0; i < count; i++) listener.onToken(pending[i], i == 0 ? text : "");
        System.arraycopy(pending, count, pending, 0, pendingCount - count);
        pendingCount -= count;
    }

    /** Index in {@code held} of the earliest complete stop string, or -1. */
    private int firstStop() {
        int best = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** Length of the longest end of {@code held} that is a proper prefix of some stop string. */
    private int heldPrefixLength() {
        int best = 0;
        for (String s : stops) {
            int max = Math.min(s.length() - 1, held.length());
            for (int len = max; len > best; len--) {
                if (endsWith(held, s, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private static boolean endsWith(StringBuilder sb, String s, int len) {
        int off = sb.length() - len;
        for (int i = 0; i < len; i++) if (sb.charAt(off + i) != s.charAt(i)) return false;
        return true;
    }
}
