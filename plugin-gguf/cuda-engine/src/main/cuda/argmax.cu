// Greedy decoding on the GPU: the index of the largest logit (the lowest index on ties) into params[2], so only
// a token id crosses back to the host. ARGMAX_BLOCKS blocks of 1024 threads each find the best of one slice of the
// logits; the block that finishes last (a counter in work, which it resets for the next step) picks the best of
// the slices. The lowest-index rule makes the answer independent of the split.
#include "common.cuh"

#define ARGMAX_BLOCKS 32

/** Keeps in (v, i) the better of (v, i) and (ov, oi): the larger value, the lower index on ties. */
__device__ __forceinline__ void better(float& v, int& i, float ov, int oi) {
    if (ov > v || (ov == v && oi < i)) { v = ov; i = oi; }
}

__device__ __forceinline__ void warp_best(float& v, int& i) {
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(0xffffffffu, v, o);
        int oi = __shfl_xor_sync(0xffffffffu, i, o);
        better(v, i, ov, oi);
    }
}

/** work: ARGMAX_BLOCKS best values, ARGMAX_BLOCKS their indices, then the counter (zero between steps). */
extern "C" __global__ void __launch_bounds__(1024)
argmax(const float* __restrict__ logits, int n, int* __restrict__ params, int* __restrict__ work) {
    grid_overlap();
    grid_wait();
    __shared__ float bv[32];
    __shared__ int bi[32];
    __shared__ int last;
    float* slice_v = (float*) work;
    int* slice_i = work + ARGMAX_BLOCKS;
    int* done = work + 2 * ARGMAX_BLOCKS;
    int per = (n + ARGMAX_BLOCKS - 1) / ARGMAX_BLOCKS;
    int from = blockIdx.x * per, to = min(n, from + per);
    float best = -INFINITY;
    int idx = 0x7fffffff;
    for (int i = from + threadIdx.x; i < to; i += blockDim.x) {
        float v = logits[i];
        if (v > best) { best = v; idx = i; }
    }
    warp_best(best, idx);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    if (lane == 0) { bv[warp] = best; bi[warp] = idx; }
    __syncthreads();
    if (warp == 0) {
        best = bv[lane];
        idx = bi[lane];
        warp_best(best, idx);
        if (lane == 0) {
            slice_v[blockIdx.x] = best;
            slice_i[blockIdx.x] = idx;
            __threadfence();
            last = atomicAdd(done, 1) == ARGMAX_BLOCKS - 1;
        }
    }
    __syncthreads();
    if (!last || warp != 0) return;
    __threadfence();
    best = __ldcg(slice_v + lane); // ARGMAX_BLOCKS == 32: a slice per lane
    idx = __ldcg(slice_i + lane);
    warp_best(best, idx);
    if (lane == 0) {
        params[2] = idx;
        *done = 0;
    }
}
