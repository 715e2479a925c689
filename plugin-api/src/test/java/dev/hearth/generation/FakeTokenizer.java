package dev.hearth.generation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.tokenizer.Tokenizer;

/**
 * A tokenizer for tests: 0 = {@code <s>} (BOS), 1 = {@code </s>} (EOS), 2..96 the printable ASCII characters, then
 * the word tokens and raw-byte tokens a test adds. Encoding is greedy longest match.
 */
final class FakeTokenizer implements Tokenizer {
    static final int BOS = 0;
    static final int EOS = 1;

    private final List<String> texts = new ArrayList<>();
    private final List<byte[]> bytes = new ArrayList<>();

    FakeTokenizer() {
        add("<s>");
        add("</s>");
        for (char c = 32; c < 127; c++) add(String.valueOf(c));
    }

    /** Adds a text token and returns its id. */
    int add(String text) {
        texts.add(text);
        bytes.add(text.getBytes(StandardCharsets.UTF_8));
        return texts.size() - 1;
    }

    /** Adds a token standing for raw bytes (part of a UTF-8 sequence) and returns its id. */
    int addBytes(byte... b) {
        texts.add("<0x" + b.length + ">");
        bytes.add(b.clone());
        return texts.size() - 1;
    }

    /** The id of a single printable character. */
    static int ch(char c) {
        return c - 32 + 2;
    }

    @Override public String kind() { return "fake"; }

    @Override public int vocabSize() { return texts.size(); }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        List<Integer> out = new ArrayList<>();
        if (addSpecial) out.add(BOS);
        int i = 0;
        while (i < text.length()) {
            int best = -1;
            int bestLen = 0;
            for (int id = 0; id < texts.size(); id++) {
                if (id <= EOS && !parseSpecial) continue;
                String t = texts.get(id);
                if (t.startsWith("<0x")) continue;
                if (t.length() > bestLen && text.startsWith(t, i)) {
                    best = id;
                    bestLen = t.length();
                }
            }
            if (best < 0) throw new IllegalArgumentException("cannot encode '" + text.charAt(i) + "'");
            out.add(best);
            i += bestLen;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] tokens, boolean renderSpecial) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int t : tokens) if (renderSpecial || !isSpecial(t)) b.writeBytes(bytes.get(t));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override public byte[] tokenBytes(int token) { return isSpecial(token) ? new byte[0] : bytes.get(token).clone(); }

    @Override public String tokenText(int token) { return texts.get(token); }

    @Override public int bos() { return BOS; }

    @Override public int eos() { return EOS; }

    @Override public boolean isEndOfGeneration(int token) { return token == EOS; }

    @Override public boolean addsBos() { return true; }

    @Override public boolean isSpecial(int token) { return token == BOS || token == EOS; }
}
