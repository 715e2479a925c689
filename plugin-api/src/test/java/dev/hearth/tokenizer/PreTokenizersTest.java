package dev.hearth.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PreTokenizersTest {

    private static List<String> split(String pre, String text) {
        return PreTokenizers.forName(pre).split(text);
    }

    @Test
    void gpt2() {
        assertEquals(List.of("Hello", ",", " world", "!", "  ", " 123", "'s", "\n"),
                split("gpt-2", "Hello, world!   123's\n"));
    }

    @Test
    void llama3GroupsDigitsByThreeAndKeepsNewlines() {
        assertEquals(List.of("123", "45", " abc", "\n\n", "I", "'M"), split("llama-bpe", "12345 abc\n\nI'M"));
        assertTrue(PreTokenizers.forName("llama3").ignoreMerges());
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertEquals(List.of("1", "2", "3", " x"), split("qwen2", "123 x"));
    }

    @Test
    void starcoderSplitsDigitsFirst() {
        assertEquals(List.of("a", "1", "2", " b"), split("starcoder", "a12 b"));
    }

    @Test
    void deepseekCoderKeepsUnmatchedTextAsPieces() {
        assertEquals(List.of("\n", "foo", "(", "1", "+", "2", ")"), split("deepseek-coder", "\nfoo(1+2)"));
    }

    @Test
    void unicodeWhitespaceIsWhitespace() {
        // U+3000 ideographic space before a letter is whitespace, not "other"
        assertEquals(List.of("a", "\u3000\u3000", " b"), split("gpt-2", "a\u3000\u3000 b"));
    }

    @Test
    void defaultForMissingName() {
        assertSame(PreTokenizers.forName("default"), PreTokenizers.forName(null));
        assertSame(PreTokenizers.forName("default"), PreTokenizers.forName(""));
        assertThrows(IllegalArgumentException.class, () -> PreTokenizers.forName("nope"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "gpt2", "gpt-2", "llama3", "llama-bpe", "qwen2", "starcoder", "deepseek-coder",
            "deepseek-llm", "falcon", "mpt", "refact", "gpt-4o", "tekken", "bloom", "viking"})
    void everyNameSplitsLosslessly(String name) {
        String text = "Hello, y'all! 3333 ½ Führer нещо 🦙\t\n  x 我想在apple工作1314151天～ ..!!";
        assertEquals(text, String.join("", split(name, text)), name);
    }
}
