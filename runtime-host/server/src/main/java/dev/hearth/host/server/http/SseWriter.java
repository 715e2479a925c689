package dev.hearth.host.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events on a response body, as OpenAI streams them: each event is one {@code data: <json>} line and a
 * blank line, flushed at once so the client sees every token as it is produced; the stream ends with
 * {@code data: [DONE]}. A JSON text has no raw line breaks (Gson escapes them), so one line per event is enough. The
 * first write that fails (the client went away) is remembered and every later write is skipped.
 */
public final class SseWriter {
    static final String DONE = "[DONE]";
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private volatile boolean broken;

    public SseWriter(OutputStream out) {
        this.out = out;
    }

    /** Sends one event; false when the client is gone (now or before). */
    public boolean event(String data) {
        if (broken) return false;
        if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an event's data must be one line");
        }
        try {
            out.write(DATA);
            out.write(data.getBytes(StandardCharsets.UTF_8));
            out.write(END);
            out.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    /** Sends {@code data: [DONE]}. */
    public boolean done() {
        return event(DONE);
    }

    /** True once a write failed: the client disconnected. */
    public boolean broken() {
        return broken;
    }
}
