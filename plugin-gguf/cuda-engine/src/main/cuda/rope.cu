// RoPE on queries and keys at position params[1] (GGUF's adjacent-pair layout), then the key and value of this
// position stored into the F16 KV cache; queries are rounded to F16 as ggml does against an F16 cache.
// One thread per (head, pair); rope.cuh computes the pair as the CPU engine does.
#include "common.cuh"
#include "rope.cuh"

extern "C" __global__ void rope_store(float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                                      __half* __restrict__ kcache, __half* __restrict__ vcache,
                                      const int* __restrict__ params, int heads, int kv_heads, int head_dim,
                                      int rope_dim, float freq_base, float freq_scale,
                                      const float* __restrict__ freq_factors) {
    grid_overlap();
    grid_wait();
    int pos = params[1];
    int half_dim = head_dim / 2;
    int idx = blockIdx.x * blockDim.x + threadIdx.x;
    int total = (heads + kv_heads) * half_dim;
    if (idx >= total) return;
    int head = idx / half_dim, i = idx % half_dim;
    bool is_q = head < heads;
    int h = is_q ? head : head - heads;
    float x0, x1;
    const float* src = is_q ? q : k;
    x0 = src[h * head_dim + 2 * i];
    x1 = src[h * head_dim + 2 * i + 1];
    float y0, y1;
    rope_pair(x0, x1, pos, i, rope_dim, freq_base, freq_scale, freq_factors, y0, y1);
    if (is_q) {
        q[h * head_dim + 2 * i] = round_f16(y0);
        q[h * head_dim + 2 * i + 1] = round_f16(y1);
    } else {
        long long base = (long long) pos * kv_heads * head_dim + h * head_dim + 2 * i;
        kcache[base] = __float2half_rn(y0);
        kcache[base + 1] = __float2half_rn(y1);
        vcache[base] = __float2half_rn(v[h * head_dim + 2 * i]);
        vcache[base + 1] = __float2half_rn(v[h * head_dim + 2 * i + 1]);
    }
}
