package dev.hearth.api.tokenizer;

import org.osgi.annotation.versioning.ProviderType;

/** Text to token ids and back, as the model was trained. Immutable and thread-safe. */
@ProviderType
public interface Tokenizer {

    /** Kind of tokenizer, e.g. {@code llama} (SentencePiece-style) or {@code gpt2} (byte-level BPE). */
    String kind();

    int vocabSize();

    /**
     * Encodes text.
     *
     * @param text         the text
     * @param addSpecial   put BOS (and EOS) around it where the model's tokenizer asks for them
     * @param parseSpecial recognise special tokens such as {@code <|im_start|>} written in the text
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** Decodes ids to text; special and control tokens are rendered only when {@code renderSpecial}. */
    String decode(int[] tokens, boolean renderSpecial);

    /** The bytes a single token stands for (after byte-fallback and space markers are resolved). */
    byte[] tokenBytes(int token);

    /** The token's text as stored in the vocabulary. */
    String tokenText(int token);

    /** Beginning-of-sequence token, or -1. */
    int bos();

    /** End-of-sequence token, or -1. */
    int eos();

    /** Whether generation should stop at this token (EOS, EOT, EOM and similar). */
    boolean isEndOfGeneration(int token);

    /** Whether the model's tokenizer adds BOS by default. */
    boolean addsBos();

    /** Whether the token is a control or special token (not text). */
    boolean isSpecial(int token);
}
