package dev.hearth.safetensors.format;

import java.util.Arrays;
import java.util.Optional;

/**
 * The element types of the SafeTensors format, spelled as in the header's {@code dtype} field, with their size in
 * bytes. {@link #floating} marks the types a weight may be stored in without a quantization scheme.
 */
public enum SafetensorsDtype {
    BOOL(1, false),
    U8(1, false),
    I8(1, false),
    F8_E5M2(1, true),
    F8_E4M3(1, true),
    F8_E8M0(1, true),
    I16(2, false),
    U16(2, false),
    F16(2, true),
    BF16(2, true),
    I32(4, false),
    U32(4, false),
    F32(4, true),
    I64(8, false),
    U64(8, false),
    F64(8, true);

    private final int size;
    private final boolean floating;

    SafetensorsDtype(int size, boolean floating) {
        this.size = size;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int size() { return size; }

    public boolean floating() { return floating; }

    /** The type spelled {@code name} exactly as in a header, or empty. */
    public static Optional<SafetensorsDtype> byName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** {@code BOOL, U8, ...} for error messages. */
    public static String supported() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
    }
}
