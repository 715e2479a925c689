package dev.hearth.gguf.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * llama.cpp's logits for every position of a prompt, in the shared binary format: int32 n_tokens, int32 n_vocab,
 * int32 tokens[n_tokens], float32 logits[n_tokens][n_vocab], little endian.
 */
public record ReferenceLogits(int[] tokens, float[][] logits) {

    public static ReferenceLogits read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        int vocab = b.getInt();
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = b.getInt();
        float[][] logits = new float[n][vocab];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < vocab; j++) logits[i][j] = b.getFloat();
        }
        return new ReferenceLogits(tokens, logits);
    }

    /** ||actual - expected|| / ||expected|| over a whole matrix of rows. */
    public static double relativeL2(float[][] actual, float[][] expected) {
        double num = 0;
        double den = 0;
        for (int r = 0; r < expected.length; r++) {
            for (int i = 0; i < expected[r].length; i++) {
                double d = actual[r][i] - expected[r][i];
                num += d * d;
                den += (double) expected[r][i] * expected[r][i];
            }
        }
        return Math.sqrt(num / den);
    }

    /** ||actual - expected|| / ||expected|| over one row. */
    public static double relativeL2(float[] actual, float[] expected) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            num += d * d;
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }
}
