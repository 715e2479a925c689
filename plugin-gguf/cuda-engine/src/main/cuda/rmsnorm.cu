// RMSNorm: out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i]. One block of 1024 threads per vector.
#include "common.cuh"

extern "C" __global__ void __launch_bounds__(1024)
rmsnorm(const float* __restrict__ x, const float* __restrict__ weight, float* __restrict__ out, int n, float eps) {
    __shared__ float partial[32];
    float ss = 0.f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) ss += x[i] * x[i];
    ss = warp_sum(ss);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    if (lane == 0) partial[warp] = ss;
    __syncthreads();
    if (warp == 0) {
        float v = lane < (blockDim.x + 31) / 32 ? partial[lane] : 0.f;
        v = warp_sum(v);
        if (lane == 0) partial[0] = v;
    }
    __syncthreads();
    float scale = (float) (1.0 / sqrt((double) partial[0] / n + (double) eps));
    for (int i = threadIdx.x; i < n; i += blockDim.x) out[i] = x[i] * scale * weight[i];
}

/**
 * rmsnorm followed by the activation quantization of its output in one launch (same block shape as rmsnorm, so
 * the same sums): forms & 1 fills the Q8_0 form (as quantize_q8_0), forms & 2 the Q8_K form (as quantize_q8_k).
 * n is a multiple of 32 (of 256 for Q8_K).
 */
extern "C" __global__ void __launch_bounds__(1024)
rmsnorm_quant(const float* __restrict__ x, const float* __restrict__ weight, float* out, int8_t* __restrict__ q80,
              float* __restrict__ d80, int8_t* __restrict__ q8k, float* __restrict__ d8k, int n, float eps,
              int forms) {
    __shared__ float partial[32];
    float ss = 0.f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) ss += x[i] * x[i];
    ss = warp_sum(ss);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, warps = blockDim.x >> 5;
    if (lane == 0) partial[warp] = ss;
    __syncthreads();
    if (warp == 0) {
        float v = lane < (blockDim.x + 31) / 32 ? partial[lane] : 0.f;
        v = warp_sum(v);
        if (lane == 0) partial[0] = v;
    }
    __syncthreads();
    float scale = (float) (1.0 / sqrt((double) partial[0] / n + (double) eps));
    for (int i = threadIdx.x; i < n; i += blockDim.x) out[i] = x[i] * scale * weight[i];
    __syncthreads(); // out is read back below by other threads of the block
    if (forms & 1) {
        for (int g = warp; g < n / 32; g += warps) {
            int i = g * 32 + lane;
            float v = out[i];
            float amax = warp_max(fabsf(v));
            float d = amax / 127.f;
            float id = d != 0.f ? 1.f / d : 0.f;
            q80[i] = (int8_t) __float2int_rn(v * id);
            if (lane == 0) d80[g] = round_f16(d);
        }
    }
    if (forms & 2) {
        for (int b = warp; b < n / 256; b += warps) {
            int base = b * 256;
            float v[8];
            float a = -1.f;
            int idx = 0;
#pragma unroll
            for (int k = 0; k < 8; k++) {
                v[k] = out[base + lane + 32 * k];
                float m = fabsf(v[k]);
                if (m > a) { a = m; idx = lane + 32 * k; } // ascending index: the first on ties
            }
            for (int o = 16; o > 0; o >>= 1) {
                float oa = __shfl_xor_sync(0xffffffffu, a, o);
                int oi = __shfl_xor_sync(0xffffffffu, idx, o);
                if (oa > a || (oa == a && oi < idx)) { a = oa; idx = oi; }
            }
            if (a == 0.f) {
#pragma unroll
                for (int k = 0; k < 8; k++) q8k[base + lane + 32 * k] = 0;
                if (lane == 0) d8k[b] = 0.f;
                continue;
            }
            float m = out[base + idx];
            float iscale = -127.f / m;
#pragma unroll
            for (int k = 0; k < 8; k++) q8k[base + lane + 32 * k] = (int8_t) min(127, __float2int_rn(iscale * v[k]));
            if (lane == 0) d8k[b] = 1.f / iscale;
        }
    }
}
