package dev.hearth.gguf.format;

/**
 * The fixed GGUF header after the magic: {@code uint32 version}, {@code uint64 tensor_count},
 * {@code uint64 metadata_kv_count}. Counts are checked against the file size when read, so they are
 * non-negative here.
 */
public record GgufHeader(int version, long tensorCount, long metadataCount) {

    /** The ASCII bytes "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;

    /** Bytes of magic, version and both counts. */
    public static final int SIZE = 4 + 4 + 8 + 8;
}
