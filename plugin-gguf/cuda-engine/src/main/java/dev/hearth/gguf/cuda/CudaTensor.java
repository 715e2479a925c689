package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.gguf.quant.QuantType;

/**
 * A weight matrix of {@code rows x cols} on the GPU, in its GGUF block layout (ggml's ne0 = cols, ne1 = rows).
 *
 * @param buffer the device copy, owned by the loaded model
 */
record CudaTensor(String name, QuantType type, CudaBuffer buffer, int rows, int cols) {

    long rowBytes() {
        return type.rowBytes(cols);
    }
}
