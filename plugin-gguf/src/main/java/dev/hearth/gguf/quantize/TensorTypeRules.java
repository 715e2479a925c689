package dev.hearth.gguf.quantize;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.Shape;

/**
 * Which type each tensor of a Llama-family model gets under a {@link QuantMix}: the rules of llama.cpp's
 * {@code llama_tensor_get_type} (src/llama-quant.cpp) for the recipes we make, restated:
 * <ul>
 *   <li>Only 2-D (or larger) tensors whose name ends in {@code weight} are converted; others (norms, 1-D) keep
 *       their type.</li>
 *   <li>Non-quantized recipes (F32, F16, BF16) give every converted tensor the recipe's type.</li>
 *   <li>{@code output.weight}, or {@code token_embd.weight} when the model has no output head (tied embeddings):
 *       Q8_0 if its rows are not a whole number of the default type's blocks; else Q6_K, unless the recipe is
 *       Q8_0 (then Q8_0).</li>
 *   <li>{@code token_embd.weight} otherwise: the default type.</li>
 *   <li>{@code attn_v.weight}: Q6_K in Q4_K_M and Q5_K_M on the layers {@link #useMoreBits} picks; Q5_K in Q4_K_S
 *       for the first 4 layers.</li>
 *   <li>{@code ffn_down}: Q6_K in Q4_K_M and Q5_K_M on the layers {@link #useMoreBits} picks; Q5_K in Q4_K_S for
 *       the first eighth of the layers.</li>
 *   <li>Fallback when rows are not a whole number of the chosen type's blocks: Q4_K → Q5_0, Q5_K → Q5_1,
 *       Q6_K → Q8_0; F16 when even that does not fit. Other types must fit.</li>
 * </ul>
 * llama.cpp counts attn_v and ffn_down tensors in file order to know the layer; we read the layer from the name
 * ({@code blk.N.}), which is the same for files whose layers come in order.
 */
public final class TensorTypeRules {

    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.");

    private final QuantMix mix;
    private final boolean hasOutput;
    private final int attnVCount;
    private final int ffnDownCount;

    /** @param tensorNames every tensor name of the model (to see whether it has an output head and count layers) */
    public TensorTypeRules(QuantMix mix, Collection<String> tensorNames) {
        this.mix = mix;
        this.hasOutput = tensorNames.contains(GgufNames.OUTPUT);
        this.attnVCount = (int) tensorNames.stream().filter(n -> n.contains("attn_v.weight")).count();
        this.ffnDownCount = (int) tensorNames.stream().filter(n -> n.contains("ffn_down")).count();
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third in between. */
    public static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** Whether a tensor is converted at all (else it is copied as it is). */
    public static boolean converts(String name, Shape shape) {
        return name.endsWith("weight") && shape.rank() >= 2;
    }

    /** The type {@code name} gets; {@code source} when it is not converted. */
    public GgmlType typeFor(String name, Shape shape, GgmlType source) {
        if (!converts(name, shape)) {
            return source;
        }
        GgmlType def = mix.defaultType();
        if (!mix.quantized()) {
            return def;
        }
        GgmlType t = def;
        long nx = shape.dim(0);
        if (name.equals(GgufNames.OUTPUT) || (!hasOutput && name.equals(GgufNames.TOKEN_EMBD))) {
            if (nx % def.blockSize() != 0) t = GgmlType.Q8_0;
            else if (def != GgmlType.Q8_0) t = GgmlType.Q6_K;
        } else if (name.equals(GgufNames.TOKEN_EMBD)) {
            t = def;
        } else if (name.contains("attn_v.weight")) {
            int layer = layer(name);
            if ((mix == QuantMix.Q4_K_M || mix == QuantMix.Q5_K_M) && useMoreBits(layer, attnVCount)) {
                t = GgmlType.Q6_K;
            } else if (mix == QuantMix.Q4_K_S && layer < 4) {
                t = GgmlType.Q5_K;
            }
        } else if (name.contains("ffn_down")) {
            int layer = layer(name);
            if ((mix == QuantMix.Q4_K_M || mix == QuantMix.Q5_K_M) && useMoreBits(layer, ffnDownCount)) {
                t = GgmlType.Q6_K;
            } else if (mix == QuantMix.Q4_K_S && layer < ffnDownCount / 8) {
                t = GgmlType.Q5_K;
            }
        }
        return fallback(name, t, nx);
    }

    private static GgmlType fallback(String name, GgmlType t, long nx) {
        if (nx % t.blockSize() == 0) {
            return t;
        }
        GgmlType f = switch (t) {
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException("tensor '" + name + "': rows of " + nx
                    + " elements are not a whole number of " + t + " blocks of " + t.blockSize());
        };
        return nx % f.blockSize() == 0 ? f : GgmlType.F16;
    }

    private static int layer(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
