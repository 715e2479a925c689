// Decode attention over the F16 KV cache, split over the sequence in chunks of CHUNK positions, with the numerics
// of the CPU engine (and of ggml against an F16 cache): the softmax weights are normalised over the whole sequence
// and rounded to F16 before they weight the values. Four steps:
//   attn_scores  (head, chunk): s_t = q . k_t / sqrt(head_dim) into scores
//   attn_softmax (head):        p_t = f16(exp(s_t - max) / sum), sum in double, in place
//   attn_values  (head, chunk): the chunk's sum of p_t v_t (in position order, as the CPU adds them)
//   attn_combine (head):        the chunks' sums added into the output heads
// The sequence length (params[1] + 1) is read from device memory, so the grid is sized for a bucket of positions
// and blocks past the end return at once: one captured graph serves a whole bucket.
#include "q8.cuh"

#define CHUNK 256
#define MAX_HEAD_DIM 256

/** q . k of one position by one warp, every lane getting the sum: lane l sums dimensions l, l + 32, ... */
__device__ __forceinline__ float warp_score(const float* qs, const __half* __restrict__ kr, int head_dim) {
    float s = 0.f;
    for (int d = threadIdx.x & 31; d < head_dim; d += 32) s += qs[d] * __half2float(kr[d]);
    return warp_sum(s);
}

/**
 * s[0, n) = f16(exp(s - max) / sum) by one block of 256 threads, the sum in double: the softmax of attn_softmax and
 * attn_decode. Ends without a barrier: the caller syncs before other threads read s.
 */
__device__ __forceinline__ void block_softmax(float* s, int n) {
    __shared__ float fred[8];
    __shared__ double dred[8];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    float m = -INFINITY;
    for (int t = threadIdx.x; t < n; t += blockDim.x) m = fmaxf(m, s[t]);
    m = warp_max(m);
    if (lane == 0) fred[warp] = m;
    __syncthreads();
    m = fred[0];
    for (int w = 1; w < 8; w++) m = fmaxf(m, fred[w]);
    double sum = 0;
    for (int t = threadIdx.x; t < n; t += blockDim.x) {
        float e = (float) exp((double) (s[t] - m));
        s[t] = e;
        sum += e;
    }
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
    if (lane == 0) dred[warp] = sum;
    __syncthreads();
    sum = 0;
    for (int w = 0; w < 8; w++) sum += dred[w];
    float inv = (float) (1.0 / sum);
    for (int t = threadIdx.x; t < n; t += blockDim.x) s[t] = round_f16(s[t] * inv);
}

extern "C" __global__ void __launch_bounds__(128)
attn_scores(const float* __restrict__ q, const __half* __restrict__ kcache, float* __restrict__ scores,
            const int* __restrict__ params, int heads, int kv_heads, int head_dim, int max_chunks, float scale) {
    grid_overlap();
    grid_wait();
    int h = blockIdx.x, c = blockIdx.y;
    int n = params[1] + 1;
    int t0 = c * CHUNK;
    if (t0 >= n) return;
    int t1 = min(n, t0 + CHUNK);
    int kvh = h / (heads / kv_heads);
    int kv_stride = kv_heads * head_dim;
    __shared__ float qs[MAX_HEAD_DIM];
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) qs[d] = q[h * head_dim + d];
    __syncthreads();
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    float* out = scores + (long long) h * max_chunks * CHUNK;
    for (int t = t0 + warp; t < t1; t += 4) { // one warp per position
        float s = warp_score(qs, kcache + (long long) t * kv_stride + kvh * head_dim, head_dim);
        if (lane == 0) out[t] = s * scale;
    }
}

extern "C" __global__ void __launch_bounds__(256)
attn_softmax(float* __restrict__ scores, const int* __restrict__ params, int max_chunks) {
    grid_overlap();
    grid_wait();
    block_softmax(scores + (long long) blockIdx.x * max_chunks * CHUNK, params[1] + 1);
}

extern "C" __global__ void __launch_bounds__(128)
attn_values(const float* __restrict__ scores, const __half* __restrict__ vcache, float* __restrict__ partial,
            const int* __restrict__ params, int heads, int kv_heads, int head_dim, int max_chunks) {
    grid_overlap();
    grid_wait();
    int h = blockIdx.x, c = blockIdx.y;
    int n = params[1] + 1;
    int t0 = c * CHUNK;
    if (t0 >= n) return;
    int t1 = min(n, t0 + CHUNK);
    int kvh = h / (heads / kv_heads);
    int kv_stride = kv_heads * head_dim;
    __shared__ float p[CHUNK];
    const float* s = scores + (long long) h * max_chunks * CHUNK;
    for (int t = t0 + threadIdx.x; t < t1; t += blockDim.x) p[t - t0] = s[t];
    __syncthreads();
    float* out = partial + ((long long) h * max_chunks + c) * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        const __half* vr = vcache + (long long) t0 * kv_stride + kvh * head_dim + d;
        float acc = 0.f;
        for (int i = 0; i < t1 - t0; i++) acc = fmaf(p[i], __half2float(vr[(long long) i * kv_stride]), acc);
        out[d] = acc;
    }
}

extern "C" __global__ void attn_combine(const float* __restrict__ partial, float* __restrict__ out,
                                        const int* __restrict__ params, int head_dim, int max_chunks) {
    grid_overlap();
    grid_wait();
    int h = blockIdx.x;
    int n = params[1] + 1;
    int chunks = (n + CHUNK - 1) / CHUNK;
    const float* p = partial + (long long) h * max_chunks * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float acc = 0.f;
        for (int c = 0; c < chunks; c++) acc += p[c * head_dim + d];
        out[h * head_dim + d] = acc;
    }
}

// ---- the four steps in one launch, one block per query head, for short sequences ----
// Same sums as the split kernels: each score by one warp with the same lane order, the softmax with the same 256
// threads, each chunk's value sum in position order from 0 and the chunks added in order. The values of a tile of
// VT positions are staged in shared memory by the whole block first.
#define VT 64
// positions per warp whose scores are in flight together in attn_decode (-D for build variants)
#ifndef ATTN_SCORE_UNROLL
#define ATTN_SCORE_UNROLL 4
#endif
constexpr int SCORE_UNROLL = ATTN_SCORE_UNROLL;

//
// With forms != 0 the launch also rounds the output for the next product, as quantize.cu would in a launch of its
// own: the heads come in groups of 256 values (256 / head_dim heads), and the block that finishes a group last
// (a counter per group, which it resets for the next step) quantizes the group: forms & 1 Q8_0, & 2 Q8_K.
extern "C" __global__ void __launch_bounds__(256)
attn_decode(const float* __restrict__ q, const __half* __restrict__ kcache, const __half* __restrict__ vcache,
            float* scores, float* __restrict__ out, const int* __restrict__ params, int heads, int kv_heads,
            int head_dim, int max_chunks, float scale, int forms, int8_t* __restrict__ q80,
            float* __restrict__ d80, int8_t* __restrict__ q8k, float* __restrict__ d8k, int* __restrict__ groups) {
    grid_overlap();
    grid_wait();
    __shared__ float qs[MAX_HEAD_DIM];
    __shared__ __half vt[VT * MAX_HEAD_DIM];
    __shared__ float pt[VT];
    int h = blockIdx.x;
    int n = params[1] + 1;
    int kvh = h / (heads / kv_heads);
    int kv_stride = kv_heads * head_dim;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) qs[d] = q[h * head_dim + d];
    __syncthreads();
    float* s = scores + (long long) h * max_chunks * CHUNK;
#pragma unroll (SCORE_UNROLL)
    for (int t = warp; t < n; t += 8) { // several positions' loads and sums in flight; each summed as before
        float sc = warp_score(qs, kcache + (long long) t * kv_stride + kvh * head_dim, head_dim);
        if (lane == 0) s[t] = sc * scale;
    }
    __syncthreads();
    block_softmax(s, n);
    // values, chunk by chunk
    float total = 0.f;
    const __half* vbase = vcache + kvh * head_dim;
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
        int c1 = min(n, c0 + CHUNK);
        float acc = 0.f;
        for (int t0 = c0; t0 < c1; t0 += VT) {
            int cnt = min(VT, c1 - t0);
            __syncthreads(); // the previous tile is consumed; the softmax's writes of s are visible
            for (int e = threadIdx.x; e < cnt * head_dim; e += blockDim.x) {
                int i = e / head_dim, d = e - i * head_dim;
                vt[i * head_dim + d] = vbase[(long long) (t0 + i) * kv_stride + d];
            }
            for (int i = threadIdx.x; i < cnt; i += blockDim.x) pt[i] = s[t0 + i];
            __syncthreads();
            if (threadIdx.x < head_dim) {
                for (int i = 0; i < cnt; i++) acc = fmaf(pt[i], __half2float(vt[i * head_dim + threadIdx.x]), acc);
            }
        }
        total += acc;
    }
    if (threadIdx.x < head_dim) out[h * head_dim + threadIdx.x] = total;
    if (forms == 0) return;
    __shared__ int last;
    int per_group = 256 / head_dim, g = h / per_group;
    __threadfence(); // this head's outputs, visible to the block that quantizes the group
    __syncthreads();
    if (threadIdx.x == 0) last = atomicAdd(&groups[g], 1) == per_group - 1;
    __syncthreads();
    if (!last) return;
    __threadfence();
    float v = __ldcg(out + 256 * g + threadIdx.x); // the other heads' outputs, from L2
    if (forms & 1) q8_0_warp(v, 256 * g + threadIdx.x, q80, d80);
    if (forms & 2) q8_k_block(v, g, heads * head_dim / 256, q8k, d8k);
    if (threadIdx.x == 0) groups[g] = 0;
}
