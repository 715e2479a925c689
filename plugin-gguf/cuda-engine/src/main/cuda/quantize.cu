// Activation quantization on the GPU, as the CPU engine (and ggml) does before a quantized matrix product:
//   quantize_q8_0: per 32 values, d = max|x| / 127, q = rint(x / d); d kept rounded to F16 (block_q8_0.d).
//   quantize_q8_k: per 256 values, the value of largest magnitude m maps to -127: q = min(127, rint(-127 x / m)),
//                  d = m / -127 (block_q8_K).
// Quants go to xq (int8, n), scales to xd (float, one per block).
#include "common.cuh"

extern "C" __global__ void quantize_q8_0(const float* __restrict__ x, int8_t* __restrict__ xq, float* __restrict__ xd,
                                         int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x; // one warp per block of 32; n is a multiple of 32
    if (i >= n) return;
    float v = x[i];
    float amax = warp_max(fabsf(v));
    float d = amax / 127.f;
    float id = d != 0.f ? 1.f / d : 0.f;
    xq[i] = (int8_t) __float2int_rn(v * id);
    if ((threadIdx.x & 31) == 0) xd[i / 32] = round_f16(d);
}

extern "C" __global__ void __launch_bounds__(256)
quantize_q8_k(const float* __restrict__ x, int8_t* __restrict__ xq, float* __restrict__ xd, int n) {
    __shared__ float mv[8];
    __shared__ int mi[8];
    int base = blockIdx.x * 256; // one block of 256 threads per Q8_K block
    int t = threadIdx.x;
    float v = x[base + t];
    float a = fabsf(v);
    int idx = t;
    for (int o = 16; o > 0; o >>= 1) { // largest magnitude, the first on ties
        float oa = __shfl_xor_sync(0xffffffffu, a, o);
        int oi = __shfl_xor_sync(0xffffffffu, idx, o);
        if (oa > a || (oa == a && oi < idx)) { a = oa; idx = oi; }
    }
    if ((t & 31) == 0) { mv[t >> 5] = a; mi[t >> 5] = idx; }
    __syncthreads();
    float best = mv[0];
    int bi = mi[0];
    for (int w = 1; w < 8; w++) {
        if (mv[w] > best || (mv[w] == best && mi[w] < bi)) { best = mv[w]; bi = mi[w]; }
    }
    if (best == 0.f) {
        xq[base + t] = 0;
        if (t == 0) xd[blockIdx.x] = 0.f;
        return;
    }
    float m = x[base + bi];
    float iscale = -127.f / m;
    xq[base + t] = (int8_t) min(127, __float2int_rn(iscale * v));
    if (t == 0) xd[blockIdx.x] = 1.f / iscale;
}
