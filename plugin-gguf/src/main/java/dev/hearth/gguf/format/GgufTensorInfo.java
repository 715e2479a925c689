package dev.hearth.gguf.format;

/**
 * One tensor info entry: {@code gguf_string name}, {@code uint32 n_dims}, {@code int64 ne[n_dims]},
 * {@code uint32 type}, {@code uint64 offset}.
 *
 * @param name       tensor name, e.g. {@code blk.3.attn_q.weight}
 * @param type       element type
 * @param shape      dimensions in ggml order (innermost first)
 * @param offset     start of the tensor's bytes, relative to the data section ({@link GgufFile#dataOffset()})
 * @param infoOffset byte position of this info entry in the file, for messages
 */
public record GgufTensorInfo(String name, GgmlType type, Shape shape, long offset, long infoOffset) {

    /** Bytes of the tensor's data. */
    public long byteSize() {
        return type.bytesFor(shape.elementCount());
    }

    /** Number of elements. */
    public long elementCount() {
        return shape.elementCount();
    }

    /** {@code tensor 'blk.3.attn_q.weight'}: how messages name this tensor. */
    public String item() {
        return item(name);
    }

    static String item(String name) {
        return "tensor '" + name + "'";
    }
}
