package dev.hearth.tokenizer;

import dev.hearth.api.tokenizer.Tokenizer;

/** Creates the tokenizer a {@link Vocabulary} asks for. */
public final class Tokenizers {

    private Tokenizers() {}

    /**
     * A {@link SentencePieceTokenizer} for kind {@code llama}, a {@link BpeTokenizer} for kind {@code gpt2}.
     *
     * @throws IllegalArgumentException for another kind (naming the supported ones), an unsupported
     *                                  pre-tokenizer, or duplicate tokens
     */
    public static Tokenizer create(Vocabulary vocab) {
        return switch (vocab.kind()) {
            case Vocabulary.KIND_LLAMA -> new SentencePieceTokenizer(vocab);
            case Vocabulary.KIND_GPT2 -> new BpeTokenizer(vocab);
            default -> throw new IllegalArgumentException("kind: unsupported tokenizer model '" + vocab.kind()
                    + "'; supported: " + Vocabulary.KIND_LLAMA + " (SentencePiece), " + Vocabulary.KIND_GPT2
                    + " (byte-level BPE)");
        };
    }
}
