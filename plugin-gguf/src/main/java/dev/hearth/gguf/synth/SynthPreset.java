package dev.hearth.gguf.synth;

import java.util.List;
import java.util.Optional;

import dev.hearth.rope.Llama3RopeScaling;

/**
 * The geometries {@code hearth synth} makes models of, as a table. Each is a real model's shape (from its
 * config.json); only the weights are random.
 *
 * @param name          the preset's name on the command line
 * @param displayName   what {@code general.name} says, with "(random weights)" added
 * @param dim           hidden size
 * @param ffn           feed-forward size
 * @param layers        blocks
 * @param heads         attention heads
 * @param kvHeads       key/value heads
 * @param vocab         vocabulary size when the vocabulary is generated
 * @param context       context length
 * @param ropeTheta     RoPE base
 * @param rmsEps        RMSNorm epsilon
 * @param tied          the output head shares the embedding (no {@code output.weight})
 * @param ropeScaling   Llama 3.1+ RoPE frequency scaling, if the model has it
 */
public record SynthPreset(String name, String displayName, int dim, int ffn, int layers, int heads, int kvHeads,
                          int vocab, int context, double ropeTheta, double rmsEps, boolean tied,
                          Optional<Llama3RopeScaling> ropeScaling) {

    /** Llama 3.2's {@code rope_scaling}, as in its config.json. */
    public static final Llama3RopeScaling LLAMA_3_2_ROPE = new Llama3RopeScaling(32, 1, 4, 8192);

    public static final List<SynthPreset> ALL = List.of(
            //              name              display                   dim   ffn    L   H   KV  vocab   ctx    theta      eps   tied
            new SynthPreset("tinyllama-1.1b", "TinyLlama-1.1B-shaped", 2048, 5632, 22, 32, 4, 32000, 2048, 10000, 1e-5, false),
            new SynthPreset("llama-3.2-1b", "Llama-3.2-1B-shaped", 2048, 8192, 16, 32, 8, 128256, 131072, 500000, 1e-5, true)
                    .withRopeScaling(LLAMA_3_2_ROPE),
            new SynthPreset("llama-2-7b", "Llama-2-7B-shaped", 4096, 11008, 32, 32, 32, 32000, 4096, 10000, 1e-5, false),
            new SynthPreset("mistral-7b", "Mistral-7B-shaped", 4096, 14336, 32, 32, 8, 32000, 32768, 1e6, 1e-5, false),
            new SynthPreset("mini", "llama-mini-shaped", 256, 768, 4, 8, 4, 32000, 512, 10000, 1e-5, false));

    /** A geometry without RoPE scaling. */
    public SynthPreset(String name, String displayName, int dim, int ffn, int layers, int heads, int kvHeads,
                       int vocab, int context, double ropeTheta, double rmsEps, boolean tied) {
        this(name, displayName, dim, ffn, layers, heads, kvHeads, vocab, context, ropeTheta, rmsEps, tied,
                Optional.empty());
    }

    public int headDim() { return dim / heads; }

    /** The same geometry with llama3 RoPE scaling. */
    public SynthPreset withRopeScaling(Llama3RopeScaling scaling) {
        return new SynthPreset(name, displayName, dim, ffn, layers, heads, kvHeads, vocab, context, ropeTheta, rmsEps,
                tied, Optional.of(scaling));
    }

    /** The same geometry with another context length (RoPE works at any position; the weights are random anyway). */
    public SynthPreset withContext(int n) {
        if (n <= 0) throw new IllegalArgumentException("context length must be > 0, was " + n);
        return new SynthPreset(name, displayName, dim, ffn, layers, heads, kvHeads, vocab, n, ropeTheta, rmsEps, tied,
                ropeScaling);
    }

    /** {@code general.name}. */
    public String modelName() { return displayName + " (random weights)"; }

    public static Optional<SynthPreset> byName(String name) {
        return ALL.stream().filter(p -> p.name.equalsIgnoreCase(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(SynthPreset::name).toList());
    }
}
