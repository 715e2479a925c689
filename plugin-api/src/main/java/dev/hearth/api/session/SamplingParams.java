package dev.hearth.api.session;

/**
 * How the next token is chosen. Temperature 0 means argmax (greedy); otherwise the filters are applied in
 * llama.cpp's order: repetition penalty, top-k, top-p, min-p, temperature, then a seeded draw.
 *
 * @param temperature       0 for greedy
 * @param topK              0 disables
 * @param topP              1 disables
 * @param minP              0 disables
 * @param repetitionPenalty 1 disables
 * @param repeatLastN       how many recent tokens the penalty looks at
 * @param seed              seed of the random draw
 */
public record SamplingParams(float temperature, int topK, float topP, float minP,
                             float repetitionPenalty, int repeatLastN, long seed) {

    public SamplingParams {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, was " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], was " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("min-p must be in [0, 1), was " + minP);
        if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetition penalty must be > 0, was " + repetitionPenalty);
        if (repeatLastN < 0) throw new IllegalArgumentException("repeat-last-n must be >= 0, was " + repeatLastN);
    }

    /** Argmax decoding. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition penalty. */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, seed);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, repetitionPenalty, repeatLastN, seed);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, s);
    }
}
