// SwiGLU: gate[i] = silu(gate[i]) * up[i].
#include "common.cuh"

extern "C" __global__ void swiglu(float* __restrict__ gate, const float* __restrict__ up, int n) {
    grid_overlap();
    grid_wait();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float g = gate[i];
    gate[i] = g / (1.f + expf(-g)) * up[i];
}
