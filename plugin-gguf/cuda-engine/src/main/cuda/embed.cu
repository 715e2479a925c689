// Embedding lookup: x = row `token` of token_embd, dequantized; the token id is read from device memory
// (params[0]) so a captured graph serves every token.
#include "common.cuh"

template <int T>
__device__ void embed(const uint8_t* __restrict__ table, long long row_bytes, const int* __restrict__ params,
                      float* __restrict__ x, int dim) {
    grid_overlap();
    grid_wait();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= dim) return;
    const uint8_t* row = table + (long long) params[0] * row_bytes;
    x[i] = dequant_one<T>(row, i);
}

#define EMBED_ENTRY(NAME, T)                                                                                   \
    extern "C" __global__ void embed_##NAME(const uint8_t* t, long long rb, const int* p, float* x, int dim) {  \
        embed<T>(t, rb, p, x, dim);                                                                            \
    }

EMBED_ENTRY(f32, TYPE_F32)
EMBED_ENTRY(f16, TYPE_F16)
EMBED_ENTRY(bf16, TYPE_BF16)
EMBED_ENTRY(q8_0, TYPE_Q8_0)
EMBED_ENTRY(q4_0, TYPE_Q4_0)
EMBED_ENTRY(q4_k, TYPE_Q4_K)
EMBED_ENTRY(q6_k, TYPE_Q6_K)
