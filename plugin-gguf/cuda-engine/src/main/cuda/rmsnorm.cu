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
