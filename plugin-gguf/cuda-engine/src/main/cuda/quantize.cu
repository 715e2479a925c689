// Activation quantization on the GPU, as the CPU engine (and ggml) does before a quantized matrix product:
//   quantize_q8_0: per 32 values, d = max|x| / 127, q = rint(x / d); d kept rounded to F16 (block_q8_0.d).
//   quantize_q8_k: per 256 values, the value of largest magnitude m maps to -127: q = min(127, rint(-127 x / m)),
//                  d = m / -127 (block_q8_K); quants in lane-major order, run sums after the scales (q8.cuh).
// Quants go to xq (int8, n), scales to xd (float, one per block).
#include "q8.cuh"

extern "C" __global__ void quantize_q8_0(const float* __restrict__ x, int8_t* __restrict__ xq, float* __restrict__ xd,
                                         int n) {
    grid_overlap();
    grid_wait();
    int i = blockIdx.x * blockDim.x + threadIdx.x; // one warp per block of 32; n is a multiple of 32
    if (i >= n) return;
    q8_0_warp(x[i], i, xq, xd);
}

extern "C" __global__ void __launch_bounds__(256)
quantize_q8_k(const float* __restrict__ x, int8_t* __restrict__ xq, float* __restrict__ xd, int n) {
    grid_overlap();
    grid_wait();
    q8_k_block(x[blockIdx.x * 256 + threadIdx.x], blockIdx.x, n / 256, xq, xd); // one thread block per Q8_K block
}
