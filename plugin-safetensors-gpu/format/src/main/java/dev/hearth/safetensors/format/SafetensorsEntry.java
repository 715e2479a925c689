package dev.hearth.safetensors.format;

/**
 * One tensor of a SafeTensors header: {@code "name": {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}}.
 *
 * @param name  the tensor's name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype its element type
 * @param shape its shape, outermost dimension first
 * @param begin start of its bytes, relative to the data section (the byte after the header)
 * @param end   end (exclusive) of its bytes, relative to the data section
 */
public record SafetensorsEntry(String name, SafetensorsDtype dtype, Shape shape, long begin, long end) {

    /** Number of bytes: {@code end - begin}. */
    public long byteSize() { return end - begin; }

    /** Number of elements of the shape. */
    public long elementCount() { return shape.elementCount(); }
}
