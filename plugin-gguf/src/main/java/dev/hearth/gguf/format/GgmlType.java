package dev.hearth.gguf.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every ggml tensor type id, in id order ({@code enum ggml_type} in ggml.h), as a table row: block size in
 * elements, bytes per block, whether Hearth computes with it, and whether ggml has withdrawn the id.
 *
 * <p>Block and type sizes follow ggml's {@code type_traits} ({@code sizeof(block_xxx)}). Withdrawn ids are kept
 * as placeholders so that ids stay positional and a file using one gets a precise message instead of "unknown
 * id"; their sizes are recorded as 0 because files using them are refused.
 */
public enum GgmlType {
    //     id  block  bytes  supported  withdrawn
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),                      // fp16 d + 16 bytes of 4-bit quants
    Q4_1(3, 32, 20, true),                      // fp16 d, m + 16 bytes
    Q4_2(4, 0, 0, false, true),                 // withdrawn from ggml
    Q4_3(5, 0, 0, false, true),                 // withdrawn from ggml
    Q5_0(6, 32, 22, true),                      // fp16 d + 4 bytes high bits + 16 bytes
    Q5_1(7, 32, 24, true),                      // fp16 d, m + 4 + 16
    Q8_0(8, 32, 34, true),                      // fp16 d + 32 int8
    Q8_1(9, 32, 36, false),                     // fp16 d, s + 32 int8 (an activation type)
    Q2_K(10, 256, 84, true),
    Q3_K(11, 256, 110, true),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, true),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, true),                   // fp32 d + 256 int8 + 16 int16 bsums
    IQ2_XXS(16, 256, 66, false),
    IQ2_XS(17, 256, 74, false),
    IQ3_XXS(18, 256, 98, false),
    IQ1_S(19, 256, 50, false),
    IQ4_NL(20, 32, 18, false),
    IQ3_S(21, 256, 110, false),
    IQ2_S(22, 256, 82, false),
    IQ4_XS(23, 256, 136, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    IQ1_M(29, 256, 56, false),
    BF16(30, 1, 2, true),
    Q4_0_4_4(31, 0, 0, false, true),            // withdrawn: ggml repacks Q4_0 at load time instead
    Q4_0_4_8(32, 0, 0, false, true),            // withdrawn
    Q4_0_8_8(33, 0, 0, false, true),            // withdrawn
    TQ1_0(34, 256, 54, false),
    TQ2_0(35, 256, 66, false),
    IQ4_NL_4_4(36, 0, 0, false, true),          // withdrawn
    IQ4_NL_4_8(37, 0, 0, false, true),          // withdrawn
    IQ4_NL_8_8(38, 0, 0, false, true),          // withdrawn
    MXFP4(39, 32, 17, false),                   // e8m0 scale + 16 bytes of fp4
    NVFP4(40, 64, 36, false),
    Q1_0(41, 128, 18, false);

    private static final GgmlType[] BY_ID;

    static {
        GgmlType[] values = values();
        BY_ID = new GgmlType[values.length];
        for (GgmlType t : values) {
            assert t.ordinal() == t.id : t + " is out of id order";
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean supported;
    private final boolean withdrawn;

    GgmlType(int id, int blockSize, int typeSize, boolean supported) {
        this(id, blockSize, typeSize, supported, false);
    }

    GgmlType(int id, int blockSize, int typeSize, boolean supported, boolean withdrawn) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.supported = supported;
        this.withdrawn = withdrawn;
    }

    /** The on-disk id ({@code ggml_type}). */
    public int id() { return id; }

    /** Elements per block ({@code blck_size}); 0 for withdrawn ids. */
    public int blockSize() { return blockSize; }

    /** Bytes per block ({@code type_size}); 0 for withdrawn ids. */
    public int typeSize() { return typeSize; }

    /** Whether Hearth's engines compute with tensors of this type. */
    public boolean isSupported() { return supported; }

    /** Whether ggml has withdrawn this id; files using it are refused. */
    public boolean isWithdrawn() { return withdrawn; }

    /** Whether {@code elements} is a whole number of blocks. */
    public boolean fitsBlocks(long elements) {
        return !withdrawn && elements >= 0 && elements % blockSize == 0;
    }

    /**
     * Bytes taken by {@code elements} elements of this type.
     *
     * @throws IllegalArgumentException if the count is negative or not a multiple of {@link #blockSize()}
     * @throws ArithmeticException if the size overflows a long
     * @throws UnsupportedOperationException for withdrawn ids
     */
    public long bytesFor(long elements) {
        if (withdrawn) {
            throw new UnsupportedOperationException("ggml type " + this + " (id " + id + ") was withdrawn");
        }
        if (elements < 0 || elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    elements + " elements is not a whole number of " + this + " blocks of " + blockSize);
        }
        return Math.multiplyExact(elements / blockSize, (long) typeSize);
    }

    /** The type with this id, or empty for ids ggml never assigned. */
    public static Optional<GgmlType> byId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[id]) : Optional.empty();
    }

    /**
     * The type with this id.
     *
     * @throws IllegalArgumentException naming the id when ggml never assigned it
     */
    public static GgmlType fromId(int id) {
        return byId(id).orElseThrow(() -> new IllegalArgumentException(
                "unknown ggml type id " + Integer.toUnsignedString(id) + " (known ids: 0.." + (BY_ID.length - 1) + ")"));
    }

    /** The types Hearth computes with, in id order. */
    public static List<GgmlType> supportedTypes() {
        List<GgmlType> out = new ArrayList<>();
        for (GgmlType t : values()) {
            if (t.supported) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    /** Comma-separated names of {@link #supportedTypes()}, for messages. */
    public static String supportedNames() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : supportedTypes()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t.name());
        }
        return sb.toString();
    }
}
