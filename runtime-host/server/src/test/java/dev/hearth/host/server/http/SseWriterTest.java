package dev.hearth.host.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SseWriterTest {

    @Test
    void eachEventIsOneDataLineAndABlankLineFlushedAtOnce() {
        int[] flushes = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        SseWriter w = new SseWriter(out);
        assertTrue(w.event("{\"a\":\"é\"}"));
        assertTrue(w.done());
        assertEquals("data: {\"a\":\"é\"}\n\ndata: [DONE]\n\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(2, flushes[0], "every event is flushed");
    }

    @Test
    void dataWithALineBreakIsRefused() {
        SseWriter w = new SseWriter(new ByteArrayOutputStream());
        assertThrows(IllegalArgumentException.class, () -> w.event("a\nb"));
    }

    @Test
    void aFailedWriteMarksTheClientGoneAndLaterWritesAreSkipped() {
        int[] writes = {0};
        SseWriter w = new SseWriter(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writes[0]++;
                throw new IOException("Broken pipe");
            }
        });
        assertFalse(w.event("{}"));
        assertTrue(w.broken());
        int before = writes[0];
        assertFalse(w.done());
        assertEquals(before, writes[0], "nothing written after the client went away");
    }
}
