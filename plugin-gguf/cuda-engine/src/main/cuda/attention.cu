// Decode attention over the F16 KV cache, split over the sequence in chunks of CHUNK positions, with the numerics
// of the CPU engine (and of ggml against an F16 cache): the softmax weights are normalised over the whole sequence
// and rounded to F16 before they weight the values. Four steps:
//   attn_scores  (head, chunk): s_t = q . k_t / sqrt(head_dim) into scores
//   attn_softmax (head):        p_t = f16(exp(s_t - max) / sum), sum in double, in place
//   attn_values  (head, chunk): the chunk's sum of p_t v_t (in position order, as the CPU adds them)
//   attn_combine (head):        the chunks' sums added into the output heads
// The sequence length (params[1] + 1) is read from device memory, so the grid is sized for a bucket of positions
// and blocks past the end return at once: one captured graph serves a whole bucket.
#include <cooperative_groups.h>
#include "q8.cuh"

namespace cg = cooperative_groups;

#define CHUNK 256
#define MAX_HEAD_DIM 256

/** q . k of one position by one warp, every lane getting the sum: lane l sums dimensions l, l + 32, ... */
__device__ __forceinline__ float warp_score(const float* qs, const __half* __restrict__ kr, int head_dim) {
    float s = 0.f;
    for (int d = threadIdx.x & 31; d < head_dim; d += 32) s += qs[d] * __half2float(kr[d]);
    return warp_sum(s);
}

/** Whether lane groups score positions (group_score): head_dim / 8 a power of two, at most 32. */
__device__ __forceinline__ bool grouped_scores(int head_dim) {
    int l = head_dim / 8;
    return head_dim % 8 == 0 && l <= 32 && (l & (l - 1)) == 0;
}

/**
 * q . k of one position by a group of L = head_dim / 8 lanes (a warp scores 32 / L positions at once, one 16-byte
 * load a lane): member i sums dimensions 8i .. 8i + 7 in order, then the group adds in an xor tree; every member
 * gets the sum. Every lane of the warp calls it (valid false: no load, its group's result unused).
 */
__device__ __forceinline__ float group_score(const float* qs, const __half* __restrict__ kr, int head_dim,
                                             bool valid) {
    int l = head_dim / 8, i = (threadIdx.x & 31) % l;
    float s = 0.f;
    if (valid) {
        uint4 raw = *(const uint4*) (kr + 8 * i);
        const __half* k8 = (const __half*) &raw;
#pragma unroll
        for (int e = 0; e < 8; e++) s = fmaf(qs[8 * i + e], __half2float(k8[e]), s);
    }
    for (int o = l / 2; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    return s;
}

/**
 * Scores of positions [t0, t1) of one query head into out[t] (times scale), by the `warps` warps of the block:
 * lane groups where grouped_scores holds, else one warp per position.
 */
__device__ __forceinline__ void head_scores(const float* qs, const __half* __restrict__ kcache, int kv_off,
                                            int kv_stride, int head_dim, int t0, int t1, float scale, float* out,
                                            int warps) {
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    if (grouped_scores(head_dim)) {
        int l = head_dim / 8, per = 32 / l;
#pragma unroll 2
        for (int base = t0 + warp * per; base < t1; base += warps * per) { // uniform per warp
            int t = base + lane / l;
            float sc = group_score(qs, kcache + (long long) t * kv_stride + kv_off, head_dim, t < t1);
            if (t < t1 && lane % l == 0) out[t] = sc * scale;
        }
        return;
    }
    for (int t = t0 + warp; t < t1; t += warps) {
        float sc = warp_score(qs, kcache + (long long) t * kv_stride + kv_off, head_dim);
        if (lane == 0) out[t] = sc * scale;
    }
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

// 0: no L2 prefetch of the cached keys and values before the wait, a build variant to compare
#ifndef ATTN_PREFETCH
#define ATTN_PREFETCH 1
#endif

/**
 * Asks L2 for the cached keys and values of positions [from, to) of KV head kvh, all before this step's position
 * (written by earlier steps, so they may load while the kernel before still runs). The blocks of the query heads
 * that share the KV head take every q_per_kv-th position each.
 */
__device__ __forceinline__ void prefetch_kv(const __half* kcache, const __half* vcache, int from, int to, int kvh,
                                            int part, int q_per_kv, int kv_stride, int head_dim) {
#if ATTN_PREFETCH
    for (int t = from + part + q_per_kv * threadIdx.x; t < to; t += q_per_kv * blockDim.x) {
        long long off = (long long) t * kv_stride + kvh * head_dim;
        for (int b = 0; b < head_dim * 2; b += 128) {
            asm volatile("prefetch.global.L2 [%0];" ::"l"((const char*) (kcache + off) + b));
            asm volatile("prefetch.global.L2 [%0];" ::"l"((const char*) (vcache + off) + b));
        }
    }
#endif
}

extern "C" __global__ void __launch_bounds__(128)
attn_scores(const float* __restrict__ q, const __half* __restrict__ kcache, float* __restrict__ scores,
            const int* __restrict__ params, int heads, int kv_heads, int head_dim, int max_chunks, float scale,
            const __half* __restrict__ vcache) {
    int h = blockIdx.x, c = blockIdx.y;
    int n = params[1] + 1; // the host's copy of the position precedes the step's first kernel
    int t0 = c * CHUNK;
    int t1 = min(n, t0 + CHUNK);
    int q_per_kv = heads / kv_heads, kvh = h / q_per_kv;
    int kv_stride = kv_heads * head_dim;
    grid_overlap();
    prefetch_kv(kcache, vcache, t0, min(t1, n - 1), kvh, h % q_per_kv, q_per_kv, kv_stride, head_dim);
    grid_wait();
    if (t0 >= n) return;
    __shared__ float qs[MAX_HEAD_DIM];
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) qs[d] = q[h * head_dim + d];
    __syncthreads();
    head_scores(qs, kcache, kvh * head_dim, kv_stride, head_dim, t0, t1, scale,
                scores + (long long) h * max_chunks * CHUNK, 4);
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
// Same sums as the split kernels: each score by the same lane group (head_scores), the softmax with the same 256
// threads, each chunk's value sum in position order from 0 and the chunks added in order. The scores stay in
// shared memory; the values of a tile of VT positions are staged there by the whole block first (the first tile
// while the scores are computed). The cached keys and values of earlier positions are asked of L2 before the wait
// (prefetch_kv): Q4_K_M tg128 856 -> 939 t/s.
#define VT 64

// The longest sequence it serves (CudaAttention.FUSED_MAX_CHUNKS chunks): its scores stay in shared memory.
#define FUSED_POSITIONS 512
/** Values of positions [t0, t0 + cnt) of one KV head (vbase) into vt, 16 bytes a thread where rows allow. */
__device__ __forceinline__ void stage_values(__half* vt, const __half* __restrict__ vbase, int t0, int cnt,
                                             int kv_stride, int head_dim) {
    if (head_dim % 8 == 0) {
        for (int e = 8 * threadIdx.x; e < cnt * head_dim; e += 8 * blockDim.x) {
            int i = e / head_dim, d = e - i * head_dim;
            *(uint4*) (vt + e) = *(const uint4*) (vbase + (long long) (t0 + i) * kv_stride + d);
        }
        return;
    }
    for (int e = threadIdx.x; e < cnt * head_dim; e += blockDim.x) {
        int i = e / head_dim, d = e - i * head_dim;
        vt[e] = vbase[(long long) (t0 + i) * kv_stride + d];
    }
}

/**
 * The one-launch attention of query head blockIdx.x into out. CL > 1 (Hopper on): the CL blocks of a thread block
 * cluster hold one group of 256 outputs (CL * head_dim == 256), and the cluster's first block also rounds the group
 * for the next product, as quantize.cu would in a launch of its own (forms & 1 Q8_0, & 2 Q8_K): each block writes
 * its outputs into that block's shared memory and the cluster meets at a barrier, which costs far less than a
 * launch.
 */
template <int CL>
__device__ __forceinline__ void attn_decode(const float* __restrict__ q, const __half* __restrict__ kcache,
                                            const __half* __restrict__ vcache, float* __restrict__ out,
                                            const int* __restrict__ params, int heads, int kv_heads, int head_dim,
                                            float scale, int forms, int8_t* __restrict__ q80,
                                            float* __restrict__ d80, int8_t* __restrict__ q8k,
                                            float* __restrict__ d8k) {
    __shared__ float qs[MAX_HEAD_DIM];
    __shared__ __align__(16) __half vt[VT * MAX_HEAD_DIM];
    __shared__ float s[FUSED_POSITIONS];
    int h = blockIdx.x;
    int n = params[1] + 1; // the host's copy of the position precedes the step's first kernel
    int q_per_kv = heads / kv_heads, kvh = h / q_per_kv;
    int kv_stride = kv_heads * head_dim;
    grid_overlap();
    prefetch_kv(kcache, vcache, 0, n - 1, kvh, h % q_per_kv, q_per_kv, kv_stride, head_dim);
    grid_wait();
    const __half* vbase = vcache + kvh * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) qs[d] = q[h * head_dim + d];
    stage_values(vt, vbase, 0, min(n, VT), kv_stride, head_dim); // in flight during the scores and the softmax
    __syncthreads();
    trace_mark("attn_q");
    head_scores(qs, kcache, kvh * head_dim, kv_stride, head_dim, 0, n, scale, s, 8);
    __syncthreads();
    trace_mark("attn_sco");
    block_softmax(s, n);
    trace_mark("attn_smx");
    // values, chunk by chunk, tile by tile (the first tile staged above)
    float total = 0.f;
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
        int c1 = min(n, c0 + CHUNK);
        float acc = 0.f;
        for (int t0 = c0; t0 < c1; t0 += VT) {
            int cnt = min(VT, c1 - t0);
            if (t0 > 0) {
                __syncthreads(); // the previous tile is consumed
                stage_values(vt, vbase, t0, cnt, kv_stride, head_dim);
            }
            __syncthreads(); // the tile is staged; the softmax's writes of s are visible
            if (threadIdx.x < head_dim) {
                for (int i = 0; i < cnt; i++) acc = fmaf(s[t0 + i], __half2float(vt[i * head_dim + threadIdx.x]), acc);
            }
        }
        total += acc;
    }
    trace_mark("attn_val");
    if (threadIdx.x < head_dim) out[h * head_dim + threadIdx.x] = total;
#if __CUDA_ARCH__ >= 900
    if constexpr (CL > 1) {
        __shared__ float group[256];
        cg::cluster_group cluster = cg::this_cluster();
        unsigned rank = cluster.block_rank();
        if (threadIdx.x < head_dim) cluster.map_shared_rank(group, 0)[rank * head_dim + threadIdx.x] = total;
        cluster.sync();
        trace_mark("attn_clu");
        if (rank != 0) return;
        int g = h / CL;
        float v = group[threadIdx.x];
        if (forms & 1) q8_0_warp(v, 256 * g + threadIdx.x, q80, d80);
        if (forms & 2) q8_k_block(v, g, heads * head_dim / 256, q8k, d8k);
    }
#endif
}

extern "C" __global__ void __launch_bounds__(256)
attn_decode(const float* q, const __half* kcache, const __half* vcache, float* out, const int* params, int heads,
            int kv_heads, int head_dim, float scale) {
    attn_decode<1>(q, kcache, vcache, out, params, heads, kv_heads, head_dim, scale, 0, nullptr, nullptr, nullptr,
                   nullptr);
}

#if __CUDA_ARCH__ >= 900
// attn_decode_rounded_<CL>: the launch for head_dim = 256 / CL, its grid in clusters of CL blocks
#define ATTN_ROUNDED_ENTRY(CL)                                                                                 \
    extern "C" __global__ void __launch_bounds__(256) __cluster_dims__(CL, 1, 1)                               \
    attn_decode_rounded_##CL(const float* q, const __half* kcache, const __half* vcache, float* out,            \
                             const int* params, int heads, int kv_heads, int head_dim, float scale, int forms,  \
                             int8_t* q80, float* d80, int8_t* q8k, float* d8k) {                               \
        attn_decode<CL>(q, kcache, vcache, out, params, heads, kv_heads, head_dim, scale, forms, q80, d80, q8k,  \
                        d8k);                                                                                  \
    }

ATTN_ROUNDED_ENTRY(2)
ATTN_ROUNDED_ENTRY(4)
ATTN_ROUNDED_ENTRY(8)
#endif
