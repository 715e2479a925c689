/**
 * Kernels for ggml's tensor types on {@link java.lang.foreign.MemorySegment}s: dequantize a row, dot a row
 * with an activation, a scalar reference and a Vector API twin per type ({@code Q4_KKernels},
 * {@code Q6_KKernels}, ...), one dispatch point ({@link dev.hearth.gguf.quant.QuantType}, a
 * {@link dev.hearth.gguf.quant.RowKernel} per ggml type id) and row-range matrix-vector products
 * ({@link dev.hearth.gguf.quant.MatVec}). Activations are quantized to 8 bits (Q8_0 or Q8_K) as llama.cpp
 * does before quantized dot products ({@link dev.hearth.gguf.quant.Activation}).
 *
 * <p>Layouts are written from ggml's {@code ggml-common.h} and {@code ggml-quants.c} (facts only; the code is
 * our own). All data are little endian; offsets are bytes, indexes are {@code long}.
 */
package dev.hearth.gguf.quant;
