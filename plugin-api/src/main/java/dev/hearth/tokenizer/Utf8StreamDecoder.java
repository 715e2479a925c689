package dev.hearth.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the bytes of successive tokens ({@link dev.hearth.api.tokenizer.Tokenizer#tokenBytes}) into text as
 * it is generated. A character can be split over tokens (byte-fallback tokens, byte-level BPE pieces of an
 * emoji), so a feed that ends inside a UTF-8 sequence holds the started sequence back until the next feed
 * completes it. Bytes that can never form a character come out as U+FFFD, as in {@link String#String(byte[],
 * java.nio.charset.Charset)}.
 *
 * <p>One decoder per stream; not thread-safe.
 */
public final class Utf8StreamDecoder {

    private byte[] held = new byte[0];

    /** Adds bytes; returns the text of every character now complete (possibly empty). */
    public String feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /** Adds {@code length} bytes from {@code offset}; returns the text of every character now complete. */
    public String feed(byte[] bytes, int offset, int length) {
        byte[] all = Arrays.copyOf(held, held.length + length);
        System.arraycopy(bytes, offset, all, held.length, length);
        int cut = all.length - incompleteTail(all);
        held = Arrays.copyOfRange(all, cut, all.length);
        return new String(all, 0, cut, StandardCharsets.UTF_8);
    }

    /** Ends the stream: returns the held-back bytes as text (U+FFFD for an unfinished character) and clears. */
    public String flush() {
        String rest = new String(held, StandardCharsets.UTF_8);
        held = new byte[0];
        return rest;
    }

    /** Number of bytes held back, waiting for the rest of their character. */
    public int pending() {
        return held.length;
    }

    /**
     * Length of a started but unfinished UTF-8 sequence at the end of {@code b}: find the last byte that is
     * not a continuation byte ({@code 10xxxxxx}) among the last three; if it announces more bytes than follow
     * it, the sequence from there is incomplete.
     */
    static int incompleteTail(byte[] b) {
        for (int i = b.length - 1; i >= Math.max(0, b.length - 3); i--) {
            int lead = b[i] & 0xFF;
            if ((lead & 0xC0) == 0x80) {
                continue; // continuation byte: look further back
            }
            int need = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xC2 && lead <= 0xDF ? 2 : 1;
            int have = b.length - i;
            return have < need ? have : 0;
        }
        return 0;
    }
}
