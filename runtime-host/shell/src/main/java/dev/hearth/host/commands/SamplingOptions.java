package dev.hearth.host.commands;

import dev.hearth.api.session.SamplingParams;
import picocli.CommandLine.Option;

/** Sampling options of {@code run} and {@code chat} (a picocli mixin); llama.cpp's names and defaults. */
public final class SamplingOptions {

    @Option(names = "--temp", paramLabel = "T", description = "temperature; 0 means greedy (default: 0.8)")
    float temperature = 0.8f;

    @Option(names = "--top-k", paramLabel = "K", description = "top-k, 0 disables (default: 40)")
    int topK = 40;

    @Option(names = "--top-p", paramLabel = "P", description = "top-p, 1 disables (default: 0.95)")
    float topP = 0.95f;

    @Option(names = "--min-p", paramLabel = "P", description = "min-p, 0 disables (default: 0.05)")
    float minP = 0.05f;

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "repetition penalty, 1 disables (default: 1)")
    float repeatPenalty = 1f;

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "tokens the penalty looks back on (default: 64)")
    int repeatLastN = 64;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "seed of the random draw (default: 0)")
    long seed;

    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed);
    }
}
