package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;

/**
 * An F32 activation vector on the GPU with the buffers for its 8-bit forms: quants and scales for Q8_0 (scale per
 * 32) and Q8_K (scale per 256, quants in the order the decode products read, run sums after the scales:
 * {@link CudaQuantize#q8kScaleBytes}). {@link CudaQuantize} fills the forms the next matrix products need.
 */
record CudaActivation(CudaBuffer values, CudaBuffer q8_0, CudaBuffer d8_0, CudaBuffer q8_K, CudaBuffer d8_K) {

    CudaActivation with(CudaBuffer other) {
        return new CudaActivation(other, q8_0, d8_0, q8_K, d8_K);
    }
}
