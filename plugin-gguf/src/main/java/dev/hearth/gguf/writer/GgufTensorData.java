package dev.hearth.gguf.writer;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import dev.hearth.gguf.format.GgufTensorInfo;

/**
 * Produces one tensor's bytes when {@link GgufWriter#write} reaches it, so a model is written tensor by tensor
 * and never held in memory as a whole.
 */
@FunctionalInterface
public interface GgufTensorData {

    /**
     * Fills {@code dst} (exactly {@code tensor.byteSize()} bytes, zeroed) with the tensor's data in its declared
     * type.
     */
    void write(GgufTensorInfo tensor, MemorySegment dst) throws IOException;
}
