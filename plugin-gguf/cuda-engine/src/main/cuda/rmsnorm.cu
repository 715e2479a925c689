// RMSNorm: out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i], in blocks of 256 elements, one thread block each.
// Every block sums the squares of the whole vector itself (in the same order, so all get the same scale): the
// vector is small and in L2, and many blocks finish sooner than one block doing it all.
#include "q8.cuh"

#define NORM_THREADS 256

/** 1 / rms(x) (eps added to the mean square), the same in every block. */
__device__ __forceinline__ float rms_scale(const float* __restrict__ x, int n, float eps) {
    __shared__ float partial[NORM_THREADS / 32];
    float ss = 0.f;
#pragma unroll 8
    for (int i = threadIdx.x; i < n; i += NORM_THREADS) ss += x[i] * x[i]; // loads issued together, sums in order
    ss = warp_sum(ss);
    if ((threadIdx.x & 31) == 0) partial[threadIdx.x >> 5] = ss;
    __syncthreads();
    float total = 0.f;
#pragma unroll
    for (int w = 0; w < NORM_THREADS / 32; w++) total += partial[w];
    return (float) (1.0 / sqrt((double) total / n + (double) eps));
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS)
rmsnorm(const float* __restrict__ x, const float* __restrict__ weight, float* __restrict__ out, int n, float eps) {
    int i = blockIdx.x * NORM_THREADS + threadIdx.x;
    grid_overlap();
    float w = i < n ? weight[i] : 0.f; // a weight: no earlier kernel writes it, so it loads during the wait
    grid_wait();
    float scale = rms_scale(x, n, eps);
    if (i < n) out[i] = x[i] * scale * w;
}

/**
 * rmsnorm followed by the activation quantization of its output in one launch (same sums as rmsnorm): forms & 1
 * fills the Q8_0 form (as quantize_q8_0), forms & 2 the Q8_K form (as quantize_q8_k). n is a multiple of 32 (of
 * 256 for Q8_K).
 */
extern "C" __global__ void __launch_bounds__(NORM_THREADS)
rmsnorm_quant(const float* __restrict__ x, const float* __restrict__ weight, float* __restrict__ out,
              int8_t* __restrict__ q80, float* __restrict__ d80, int8_t* __restrict__ q8k, float* __restrict__ d8k,
              int n, float eps, int forms) {
    int i = blockIdx.x * NORM_THREADS + threadIdx.x;
    grid_overlap();
    float w = i < n ? weight[i] : 0.f; // as in rmsnorm
    grid_wait();
    float scale = rms_scale(x, n, eps);
    trace_mark("rms_scal");
    float v = 0.f;
    if (i < n) {
        v = x[i] * scale * w;
        out[i] = v;
    }
    if ((forms & 1) && i < n) q8_0_warp(v, i, q80, d80); // whole warps: n % 32 == 0
    if (forms & 2) q8_k_block(v, blockIdx.x, n / 256, q8k, d8k);
}
