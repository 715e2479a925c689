package dev.hearth.safetensors.ort;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.safetensors.format.SafetensorsModelFormat;

/** Shared test data (../shared) and small helpers. */
final class OrtTestModels {
    private OrtTestModels() {}

    static Path shared() {
        String s = System.getProperty("hearth.shared");
        assumeTrue(s != null && Files.isDirectory(Path.of(s)), "no shared test data (hearth.shared)");
        return Path.of(s);
    }

    static Path model(String relative) {
        Path p = shared().resolve(relative);
        assumeTrue(Files.exists(p), "missing " + p);
        return p;
    }

    static ModelDescription describe(Path folder) throws IOException {
        return new SafetensorsModelFormat().describe(folder);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** All-position logits of {@code tokens} from a fresh session. */
    static float[][] logits(Session s, int[] tokens) {
        float[][] out = new float[tokens.length][];
        s.reset();
        s.evaluate(tokens, 0, tokens.length, Session.LogitsMode.ALL, (i, l) -> out[i] = l.clone());
        return out;
    }

    static double relativeL2(float[][] a, float[][] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                double d = a[i][j] - b[i][j];
                num += d * d;
                den += (double) b[i][j] * b[i][j];
            }
        }
        return Math.sqrt(num / den);
    }
}
