package dev.hearth.dist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A logits file as llama.cpp's tools and {@code hearth logits} write it, little endian: int32 n_tokens, int32 n_vocab,
 * int32 tokens[n_tokens], float32 logits[n_tokens][n_vocab].
 */
record LlamaCppLogits(int[] tokens, float[] values) {
    static LlamaCppLogits read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        int vocab = b.getInt();
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = b.getInt();
        float[] values = new float[Math.multiplyExact(n, vocab)];
        b.asFloatBuffer().get(values);
        return new LlamaCppLogits(tokens, values);
    }

    /** ||this - reference|| / ||reference|| over every position and token. */
    double relativeL2(LlamaCppLogits reference) {
        if (values.length != reference.values.length) {
            throw new AssertionError(values.length + " logits, the reference has " + reference.values.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < values.length; i++) {
            double d = values[i] - reference.values[i];
            num += d * d;
            den += (double) reference.values[i] * reference.values[i];
        }
        return Math.sqrt(num / den);
    }
}
