package dev.hearth.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8StreamDecoderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void holdsBackACharacterSplitAcrossTokens() {
        byte[] e = utf8("é"); // C3 A9
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        assertEquals("ab", d.feed(new byte[] {'a', 'b', e[0]}));
        assertEquals(1, d.pending());
        assertEquals("éc", d.feed(new byte[] {e[1], 'c'}));
        assertEquals(0, d.pending());
    }

    @Test
    void fourByteEmojiInEverySplit() {
        byte[] llama = utf8("x🦙y");
        for (int cut1 = 0; cut1 <= llama.length; cut1++) {
            for (int cut2 = cut1; cut2 <= llama.length; cut2++) {
                Utf8StreamDecoder d = new Utf8StreamDecoder();
                String out = d.feed(Arrays.copyOfRange(llama, 0, cut1))
                        + d.feed(Arrays.copyOfRange(llama, cut1, cut2))
                        + d.feed(Arrays.copyOfRange(llama, cut2, llama.length));
                assertEquals("x🦙y", out, "cuts at " + cut1 + ", " + cut2);
                assertEquals("", d.flush());
            }
        }
    }

    @Test
    void neverEmitsHalfACharacter() {
        byte[] text = utf8("нещо 🚀 ok");
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        StringBuilder all = new StringBuilder();
        for (byte b : text) {
            String part = d.feed(new byte[] {b});
            assertEquals(-1, part.indexOf('\uFFFD'), "no replacement characters while streaming valid text");
            all.append(part);
        }
        assertEquals("нещо 🚀 ok", all.toString());
    }

    @Test
    void invalidBytesBecomeReplacementCharacters() {
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        assertEquals("a\uFFFDb", d.feed(new byte[] {'a', (byte) 0x80, 'b'}));
        // a started sequence interrupted by a new character
        assertEquals("", d.feed(new byte[] {(byte) 0xE2, (byte) 0x82}));
        assertEquals("\uFFFDz", d.feed(new byte[] {'z'}));
        // an unfinished sequence at the end of the stream
        assertEquals("", d.feed(new byte[] {(byte) 0xF0, (byte) 0x9F}));
        assertEquals("\uFFFD", d.flush());
        assertEquals(0, d.pending());
    }
}
