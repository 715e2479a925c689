package dev.hearth.api.session;

/** The text a generation produced, its token ids and its statistics. */
public record GenerationResult(String text, int[] tokens, GenerationStats stats) {
    public GenerationResult {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
