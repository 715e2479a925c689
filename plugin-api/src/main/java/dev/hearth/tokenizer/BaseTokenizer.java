package dev.hearth.tokenizer;

import dev.hearth.api.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What SentencePiece and BPE share: the special-token partition before encoding, BOS/EOS, and decoding by
 * concatenating the bytes of every token and reading them as UTF-8 once at the end (a character may be split
 * over several byte tokens).
 *
 * <h2>Decoding, as llama.cpp's {@code llama_detokenize(remove_special=false, unparse_special)}</h2>
 * <ul>
 *   <li>Control and unknown tokens give nothing unless {@code renderSpecial}; then their text.</li>
 *   <li>User-defined tokens give their text as written.</li>
 *   <li>Byte tokens {@code <0xNN>} give the byte NN.</li>
 *   <li>Normal tokens give their text decoded by the subclass ({@link #normalBytes}).</li>
 *   <li>Unused and undefined tokens give nothing.</li>
 *   <li>When the vocabulary adds a space prefix, one leading space of the <em>first</em> token's bytes is
 *       dropped (whatever that token is; a BOS at the start takes that turn, and then nothing is dropped).</li>
 * </ul>
 * llama.cpp also "cleans up" spaces before punctuation for some BPE models; that is not done here, so decoding
 * agrees with the per-token bytes used for streaming and round-trips exactly.
 */
abstract sealed class BaseTokenizer implements Tokenizer permits SentencePieceTokenizer, BpeTokenizer {

    final Vocabulary vocab;
    final VocabIndex index;

    BaseTokenizer(Vocabulary vocab) {
        this.vocab = Objects.requireNonNull(vocab, "vocab");
        this.index = new VocabIndex(vocab);
    }

    /**
     * Tokenizes one raw fragment (no special tokens in it) and appends the ids.
     *
     * @param afterSpecial the fragment starts the text or follows a special token
     */
    abstract void encodeFragment(String text, boolean afterSpecial, IntList out);

    /** The bytes of a normal token. */
    abstract byte[] normalBytes(int token);

    @Override
    public final String kind() {
        return vocab.kind();
    }

    @Override
    public final int vocabSize() {
        return index.size();
    }

    @Override
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial && vocab.addBos()) {
            out.add(vocab.bos());
        }
        if (!text.isEmpty()) {
            boolean afterSpecial = true;
            for (VocabIndex.Piece piece : index.partition(text, parseSpecial)) {
                if (piece.isToken()) {
                    out.add(piece.token());
                    afterSpecial = true;
                } else {
                    encodeFragment(piece.text(), afterSpecial, out);
                    afterSpecial = false;
                }
            }
        }
        if (addSpecial && vocab.addEos()) {
            out.add(vocab.eos());
        }
        return out.toArray();
    }

    @Override
    public final String decode(int[] tokens, boolean renderSpecial) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(tokens.length * 4);
        boolean removeSpace = vocab.addSpacePrefix();
        for (int token : tokens) {
            byte[] piece = piece(token, renderSpecial);
            int skip = removeSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, skip, piece.length - skip);
            removeSpace = false;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public final byte[] tokenBytes(int token) {
        return piece(token, true);
    }

    @Override
    public final String tokenText(int token) {
        index.check(token);
        return index.texts[token]; // an empty text reads [EMPTY_id], as in llama.cpp
    }

    @Override
    public final int bos() {
        return vocab.bos();
    }

    @Override
    public final int eos() {
        return vocab.eos();
    }

    @Override
    public final boolean isEndOfGeneration(int token) {
        return index.isEndOfGeneration(token);
    }

    @Override
    public final boolean addsBos() {
        return vocab.addBos();
    }

    /** Control and unknown tokens: the ones {@link #decode} hides unless asked to render them. */
    @Override
    public final boolean isSpecial(int token) {
        index.check(token);
        return (index.attrs[token] & (VocabIndex.CONTROL | VocabIndex.UNKNOWN)) != 0;
    }

    /** The bytes one token contributes to decoded text (llama.cpp's {@code token_to_piece}). */
    final byte[] piece(int token, boolean renderSpecial) {
        index.check(token);
        int attr = index.attrs[token];
        if ((attr & (VocabIndex.CONTROL | VocabIndex.UNKNOWN)) != 0) {
            return renderSpecial ? utf8(index.texts[token]) : new byte[0];
        }
        if ((attr & VocabIndex.USER_DEFINED) != 0) {
            return utf8(index.texts[token]);
        }
        if ((attr & VocabIndex.NORMAL) != 0) {
            return normalBytes(token);
        }
        if ((attr & VocabIndex.BYTE) != 0) {
            return new byte[] {(byte) byteValue(index.texts[token])};
        }
        return new byte[0];
    }

    /** The value NN of a byte token {@code <0xNN>}. */
    static int byteValue(String text) {
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            int hi = Character.digit(text.charAt(3), 16);
            int lo = Character.digit(text.charAt(4), 16);
            if (hi >= 0 && lo >= 0) {
                return hi << 4 | lo;
            }
        }
        throw new IllegalStateException("byte token '" + text + "' is not of the form <0xNN>");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + vocab + "]";
    }
}
