package dev.hearth.gguf.quantize;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import dev.hearth.gguf.format.GgmlType;

/**
 * The quantization recipes {@code hearth quantize} makes, as llama.cpp's {@code llama_ftype}: the value written to
 * {@code general.file_type} and the default tensor type; {@link TensorTypeRules} gives the exceptions (Q6_K for
 * the output head, more bits for some layers in the _M mixes).
 */
public enum QuantMix {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    BF16(32, GgmlType.BF16),
    Q8_0(7, GgmlType.Q8_0),
    Q4_0(2, GgmlType.Q4_0),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K);

    private final int fileType;
    private final GgmlType defaultType;

    QuantMix(int fileType, GgmlType defaultType) {
        this.fileType = fileType;
        this.defaultType = defaultType;
    }

    /** {@code general.file_type} ({@code LLAMA_FTYPE_*}). */
    public int fileType() { return fileType; }

    /** The type of the 2-D weights no rule singles out. */
    public GgmlType defaultType() { return defaultType; }

    /** Whether the default type is a block-quantized one (the rules apply only then). */
    public boolean quantized() {
        return defaultType.blockSize() > 1;
    }

    /**
     * The recipe called {@code name}, case-insensitive; {@code Q4_K} and {@code Q5_K} are aliases of {@code Q4_K_M}
     * and {@code Q5_K_M}, as in llama.cpp's {@code llama-quantize}.
     */
    public static Optional<QuantMix> parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("Q4_K")) return Optional.of(Q4_K_M);
        if (n.equals("Q5_K")) return Optional.of(Q5_K_M);
        return Arrays.stream(values()).filter(m -> m.name().equals(n)).findFirst();
    }

    /** "F32, F16, ..., Q4_K (= Q4_K_M), Q5_K (= Q5_K_M)", for messages. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (QuantMix m : values()) sb.append(sb.isEmpty() ? "" : ", ").append(m.name());
        return sb + ", Q4_K (= Q4_K_M), Q5_K (= Q5_K_M)";
    }
}
