package dev.hearth.gguf.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * llama.cpp's golden tokenizer tests ({@code test-tokenizer-0}) on its vocabulary-only GGUF files in
 * {@code ../shared/vocab}: every string of {@code X.gguf.inp} (separated by a line
 * {@code __ggml_vocab_test__}) must tokenize, without BOS and without parsing special tokens, to the ids on the
 * same line of {@code X.gguf.out}; and decoding the ids must give the string back.
 */
class GoldenTokenizerTest {

    private static final List<String> VOCABS = List.of(
            "llama-spm", "phi-3", "gpt-2", "starcoder", "deepseek-coder");

    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    /** The vocab folder, or null when the shared data is absent. */
    private static Path vocabDir() {
        return dev.hearth.gguf.testing.SharedData.find().map(p -> p.resolve("vocab")).filter(Files::isDirectory)
                .orElse(null);
    }

    static Stream<Arguments> cases() throws IOException {
        Path dir = vocabDir();
        if (dir == null) {
            return Stream.of(Arguments.of("(none)", 0, null, null));
        }
        List<Arguments> cases = new ArrayList<>();
        for (String vocab : VOCABS) {
            Path gguf = dir.resolve("ggml-vocab-" + vocab + ".gguf");
            List<String> inputs = splitInputs(Files.readString(gguf.resolveSibling(gguf.getFileName() + ".inp")));
            List<String> outputs = Files.readAllLines(gguf.resolveSibling(gguf.getFileName() + ".out"));
            assertEquals(inputs.size(), outputs.size(), vocab + ": .inp and .out have different numbers of cases");
            for (int i = 0; i < inputs.size(); i++) {
                cases.add(Arguments.of(vocab, i, inputs.get(i), parseIds(outputs.get(i))));
            }
        }
        return cases.stream();
    }

    /** As llama.cpp reads them: split at the separator; a separator at the very end starts no new case. */
    static List<String> splitInputs(String raw) {
        List<String> inputs = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(SEPARATOR, pos);
            if (next < 0) {
                inputs.add(raw.substring(pos));
                break;
            }
            inputs.add(raw.substring(pos, next));
            pos = next + SEPARATOR.length();
        }
        return inputs;
    }

    static int[] parseIds(String line) {
        String s = line.strip();
        return s.isEmpty() ? new int[0] : Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static Tokenizer tokenizer(String vocab) {
        return TOKENIZERS.computeIfAbsent(vocab, v -> {
            try (GgufFile file = GgufFile.open(vocabDir().resolve("ggml-vocab-" + v + ".gguf"))) {
                return Tokenizers.create(GgufVocabularies.fromFile(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0} #{1}")
    @MethodSource("cases")
    void matchesLlamaCpp(String vocab, int index, String text, int[] expected) {
        assumeTrue(text != null, "shared test data not found: set -Dhearth.shared to the folder holding vocab/"
                + " (../shared beside the repository)");
        Tokenizer tokenizer = tokenizer(vocab);
        int[] actual = tokenizer.encode(text, false, false);
        assertArrayEquals(expected, actual, () -> vocab + " #" + index + " '" + text + "'\n expected "
                + pieces(tokenizer, expected) + "\n actual   " + pieces(tokenizer, actual));
        assertEquals(text, tokenizer.decode(actual, false), vocab + " #" + index + ": decode(encode(s)) != s");
    }

    private static String pieces(Tokenizer tokenizer, int[] ids) {
        return Arrays.stream(ids).mapToObj(id -> id + " '" + tokenizer.tokenText(id) + "'")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
