// Matrix-vector product y = W x (or y += W x) with W in its GGUF block layout, one warp per row.
// Against F32 x (float weights, and the reference path of every type) each lane takes units of 8 consecutive
// weights of the row; x is small and read by every row (L1/L2). Quantized weights against 8-bit x: rowdot.cuh
// (Q4_K, Q6_K, Q4_0, in the CPU engine's order) and warp_dot_q8_0 below.
#include "rope.cuh"
#include "rowdot.cuh"

#define ROWS_PER_BLOCK 4
// Blocks per multiprocessor the quantized decode kernels ask the compiler to fit (a register cap: 64 per thread),
// per block size. The kernels are latency-bound (each warp loads, then folds), so more resident warps pay: with
// these caps and Q4_K loading one pass at a time (rowdot.cuh) tg128 Q4_K_M measured 741 against 683 t/s uncapped
// (H100, 2026-11-26, same machine). -D overrides build variants to compare.
#ifndef MIN_BLOCKS_128
#define MIN_BLOCKS_128 8
#endif
#ifndef MIN_BLOCKS_256
#define MIN_BLOCKS_256 4
#endif
// 0: no L2 prefetch of the weight rows before the wait (weights_then_wait), a build variant to compare
#ifndef DECODE_PREFETCH
#define DECODE_PREFETCH 1
#endif

/**
 * The start of every product kernel of a decode step: lets the next kernel start, asks L2 for this warp's quantized
 * weight row (which no earlier kernel writes) while the kernel before may still run, then waits for it
 * (common.cuh). Float rows are not prefetched: F16 tg128 measured 589 with against 654 t/s without (H100), where
 * Q8_0 gained 706 -> 760 and Q4_K_M 782 -> 809.
 */
__device__ __forceinline__ void weights_then_wait(int t, const uint8_t* row, long long bytes) {
    grid_overlap();
#if __CUDA_ARCH__ >= 900 && DECODE_PREFETCH
    if (t != TYPE_F32 && t != TYPE_F16 && t != TYPE_BF16) prefetch_l2(row, bytes); // needs the overlap to pay
#endif
    grid_wait();
}

__device__ __forceinline__ void load8(const float* x, float* v) {
    float4 a = *(const float4*) x;
    float4 b = *(const float4*) (x + 4);
    v[0] = a.x; v[1] = a.y; v[2] = a.z; v[3] = a.w; v[4] = b.x; v[5] = b.y; v[6] = b.z; v[7] = b.w;
}

/** Dot of weights [8u, 8u+8) of the row with x[8u..]. */
template <int T>
__device__ __forceinline__ float dot8(const uint8_t* row, int u, const float* x) {
    float xv[8];
    load8(x + 8 * u, xv);
    float s = 0.f;
    if (T == TYPE_Q4_K) {
        const uint8_t* b = row + (u / 32) * 144;
        int e = (u % 32) * 8, c = e / 64, hi = (e % 64) / 32, l = e % 32;
        int sc, mn;
        q4k_scale_min(b + 4, 2 * c + hi, sc, mn);
        uint2 raw = *(const uint2*) (b + 16 + 32 * c + l);
        const uint8_t* q = (const uint8_t*) &raw;
        float qs = 0.f, xs = 0.f;
#pragma unroll
        for (int i = 0; i < 8; i++) {
            int v = hi ? (q[i] >> 4) : (q[i] & 0xF);
            qs += (float) v * xv[i];
            xs += xv[i];
        }
        s = ld_half(b) * sc * qs - ld_half(b + 2) * mn * xs;
    } else if (T == TYPE_Q6_K) {
        const uint8_t* b = row + (u / 32) * 210;
        int e = (u % 32) * 8, h = e / 128, k = (e % 128) / 32, l = e % 32;
        const uint8_t* ql = b + 64 * h + 32 * (k & 1) + l;
        const uint8_t* qh = b + 128 + 32 * h + l;
        float acc = 0.f;
#pragma unroll
        for (int i = 0; i < 8; i++) {
            int low = k < 2 ? (ql[i] & 0xF) : (ql[i] >> 4);
            int high = (qh[i] >> (2 * k)) & 3;
            acc += (float) ((low | (high << 4)) - 32) * xv[i];
        }
        s = ld_half(b + 208) * (float) (int8_t) b[192 + e / 16] * acc;
    } else if (T == TYPE_Q8_0) {
        const uint8_t* b = row + (u / 4) * 34;
        const int8_t* q = (const int8_t*) (b + 2 + (u % 4) * 8);
        float acc = 0.f;
#pragma unroll
        for (int i = 0; i < 8; i++) acc += (float) q[i] * xv[i];
        s = ld_half(b) * acc;
    } else if (T == TYPE_Q4_0) {
        const uint8_t* b = row + (u / 4) * 18;
        int p = (u % 4) * 8;
        float acc = 0.f;
#pragma unroll
        for (int i = 0; i < 8; i++) {
            int q = p < 16 ? (b[2 + p + i] & 0xF) : (b[2 + p - 16 + i] >> 4);
            acc += (float) (q - 8) * xv[i];
        }
        s = ld_half(b) * acc;
    } else if (T == TYPE_F16) {
        uint4 raw = *(const uint4*) (row + 16 * u);
        const __half* h = (const __half*) &raw;
#pragma unroll
        for (int i = 0; i < 8; i++) s += __half2float(h[i]) * xv[i];
    } else if (T == TYPE_BF16) {
        uint4 raw = *(const uint4*) (row + 16 * u);
        const unsigned short* h = (const unsigned short*) &raw;
#pragma unroll
        for (int i = 0; i < 8; i++) s += bf16_to_float(h[i]) * xv[i];
    } else if (T == TYPE_F32) {
        float4 a = *(const float4*) (row + 32 * u);
        float4 c = *(const float4*) (row + 32 * u + 16);
        s = a.x * xv[0] + a.y * xv[1] + a.z * xv[2] + a.w * xv[3] + c.x * xv[4] + c.y * xv[5] + c.z * xv[6]
                + c.w * xv[7];
    }
    return s;
}

/**
 * y[r] (+)= row r of w . x for r in [0, rows). cols is a multiple of 8 (of the block size for block types); the
 * row stride is row_bytes. accumulate != 0 adds to y (fuses the residual add). wpr warps share a row (1, 2 or 4:
 * each sums every wpr-th unit of 8 weights, then their sums are added in warp order), so long float rows have all
 * their loads in flight at once; wpr == 1 is the one-warp sum that the fused launches' float rows also use.
 */
template <int T>
__device__ void matvec(const uint8_t* __restrict__ w, const float* __restrict__ x, float* __restrict__ y,
                       int rows, int cols, long long row_bytes, int accumulate, int wpr) {
    __shared__ float part[ROWS_PER_BLOCK];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int r = blockIdx.x * (ROWS_PER_BLOCK / wpr) + warp / wpr, piece = warp % wpr;
    const uint8_t* row = w + (long long) r * row_bytes;
    weights_then_wait(T, row, r < rows && piece == 0 ? row_bytes : 0);
    float s = 0.f;
    if (r < rows) {
        int units = cols / 8;
#pragma unroll 4
        for (int u = lane + 32 * piece; u < units; u += 32 * wpr) s += dot8<T>(row, u, x);
        s = warp_sum(s);
    }
    if (wpr == 1) {
        if (r < rows && lane == 0) y[r] = accumulate ? y[r] + s : s;
        return;
    }
    if (lane == 0) part[warp] = s;
    __syncthreads();
    if (r >= rows || piece != 0 || lane != 0) return;
    for (int i = 1; i < wpr; i++) s += part[warp + i];
    y[r] = accumulate ? y[r] + s : s;
}

/** Any cols (F32/F16/BF16 rows whose length is not a multiple of 8): one element per lane step. */
template <int T>
__device__ void matvec_scalar(const uint8_t* __restrict__ w, const float* __restrict__ x, float* __restrict__ y,
                              int rows, int cols, long long row_bytes, int accumulate) {
    int lane = threadIdx.x & 31;
    int r = blockIdx.x * ROWS_PER_BLOCK + (threadIdx.x >> 5);
    const uint8_t* row = w + (long long) r * row_bytes;
    weights_then_wait(T, row, r < rows ? row_bytes : 0);
    if (r >= rows) return;
    float s = 0.f;
    for (int i = lane; i < cols; i += 32) s += dequant_one<T>(row, i) * x[i];
    s = warp_sum(s);
    if (lane == 0) y[r] = accumulate ? y[r] + s : s;
}


#define MATVEC_ENTRY(NAME, T)                                                                                  \
    extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK)                                          \
    matvec_##NAME(const uint8_t* w, const float* x, float* y, int rows, int cols, long long row_bytes, int acc, \
                  int wpr) {                                                                                   \
        matvec<T>(w, x, y, rows, cols, row_bytes, acc, wpr);                                                   \
    }

MATVEC_ENTRY(f32, TYPE_F32)
MATVEC_ENTRY(f16, TYPE_F16)
MATVEC_ENTRY(bf16, TYPE_BF16)
MATVEC_ENTRY(q8_0, TYPE_Q8_0)
MATVEC_ENTRY(q4_0, TYPE_Q4_0)
MATVEC_ENTRY(q4_k, TYPE_Q4_K)
MATVEC_ENTRY(q6_k, TYPE_Q6_K)

#define MATVEC_SCALAR_ENTRY(NAME, T)                                                                           \
    extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK)                                          \
    matvec_scalar_##NAME(const uint8_t* w, const float* x, float* y, int rows, int cols, long long row_bytes,   \
                         int acc) {                                                                            \
        matvec_scalar<T>(w, x, y, rows, cols, row_bytes, acc);                                                 \
    }

MATVEC_SCALAR_ENTRY(f32, TYPE_F32)
MATVEC_SCALAR_ENTRY(f16, TYPE_F16)
MATVEC_SCALAR_ENTRY(bf16, TYPE_BF16)


// ---- quantized weights against 8-bit activations: rowdot.cuh's warp_rowdot, one warp per row ----
// x is xq (int8) with scales xd: one per 32 values (Q8_0) for Q8_0/Q4_0 weights, one per 256 (Q8_K) for Q4_K/Q6_K.

/**
 * Q8_0 rows in a faster order than ggml's: each lane sums units of 8 weights (unit u, u + 32, ...), then the warp
 * (warp_sum). ggml's order is one chain of fused multiply-adds over all blocks of a row per lane (64 to 176 steps
 * for 2048 to 5632 columns), too long and too shuffle-heavy for the GPU to stay near memory bandwidth
 * (measured 468 against 652 t/s tg128, H100, 2026-11-26); Q8_0 results differ from the CPU engine's by rounding.
 */
__device__ __forceinline__ float warp_dot_q8_0(const uint8_t* __restrict__ row, int cols, const int8_t* __restrict__ xq,
                                               const float* __restrict__ xd, int piece = 0, int wpr = 1) {
    float s = 0.f;
#pragma unroll 4
    for (int u = (threadIdx.x & 31) + 32 * piece; u < cols / 8; u += 32 * wpr) {
        const uint8_t* q = row + (u / 4) * 34 + 2 + (u % 4) * 8;
        int2 xv = *(const int2*) (xq + 8 * u);
        int isum = __dp4a((int) ld_u32_a2(q), xv.x, __dp4a((int) ld_u32_a2(q + 4), xv.y, 0));
        s += f16_bits(*(const unsigned short*) (row + (u / 4) * 34)) * xd[u / 4] * (float) isum;
    }
    return warp_sum(s);
}

/**
 * y[r] (+)= row r . x against an 8-bit x. wpr warps share a Q8_0 row (1, 2 or 4: each every wpr-th unit of 8, the
 * warps' sums added in order, as matvec's float rows); the other types keep one warp a row (wpr 1), because a
 * split of their rows, bit-identical through shared memory, measured no faster (H100, 2026-11-26).
 */
template <int T>
__device__ void matvec_q8(const uint8_t* __restrict__ w, const int8_t* __restrict__ xq, const float* __restrict__ xd,
                          float* __restrict__ y, int rows, int cols, long long row_bytes, int accumulate, int wpr) {
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int r = blockIdx.x * (ROWS_PER_BLOCK / wpr) + warp / wpr, piece = warp % wpr;
    const uint8_t* row = w + (long long) r * row_bytes;
    weights_then_wait(T, row, r < rows && piece == 0 ? row_bytes : 0);
    if (T != TYPE_Q8_0 || wpr == 1) {
        if (r >= rows) return;
        float s = T == TYPE_Q8_0 ? warp_dot_q8_0(row, cols, xq, xd) : warp_rowdot<T>(row, cols, xq, xd);
        if (lane == 0) y[r] = accumulate ? y[r] + s : s;
        return;
    }
    __shared__ float part[ROWS_PER_BLOCK];
    float s = r < rows ? warp_dot_q8_0(row, cols, xq, xd, piece, wpr) : 0.f;
    if (lane == 0) part[warp] = s;
    __syncthreads();
    if (r >= rows || piece != 0 || lane != 0) return;
    for (int i = 1; i < wpr; i++) s += part[warp + i];
    y[r] = accumulate ? y[r] + s : s;
}

#define MATVEC_Q8_ENTRY(NAME, T)                                                                               \
    extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK, MIN_BLOCKS_128)                          \
    matvec_q8_##NAME(const uint8_t* w, const int8_t* xq, const float* xd, float* y, int rows, int cols,          \
                     long long row_bytes, int acc, int wpr) {                                                  \
        matvec_q8<T>(w, xq, xd, y, rows, cols, row_bytes, acc, wpr);                                           \
    }

MATVEC_Q8_ENTRY(q8_0, TYPE_Q8_0)
MATVEC_Q8_ENTRY(q4_0, TYPE_Q4_0)
MATVEC_Q8_ENTRY(q4_k, TYPE_Q4_K)
MATVEC_Q8_ENTRY(q6_k, TYPE_Q6_K)

// ---- fused decode products (one launch for several matrices that read the same input) ----
// The weight type is a run-time argument (uniform per warp), so Q, K and V (or gate and up) of different types
// share a launch. Each row is summed exactly as matvec / matvec_q8 sum it, so the results are bit-identical to
// the separate launches.

/** The activation of a fused product in every form a weight type may read. */
struct DecodeAct {
    const float* x;    // F32, for F32/F16/BF16 weights
    const int8_t* q80; // Q8_0 quants and scales, for Q8_0/Q4_0
    const float* d80;
    const int8_t* q8k; // Q8_K quants and scales, for Q4_K/Q6_K
    const float* d8k;
};

template <int T>
__device__ __forceinline__ float warp_dot_f32(const uint8_t* row, int cols, const float* x) {
    float s = 0.f;
#pragma unroll 4
    for (int u = threadIdx.x & 31; u < cols / 8; u += 32) s += dot8<T>(row, u, x);
    return warp_sum(s);
}

/** Row . x for a weight row of ggml type t, one warp (every lane gets the sum); cols % 8 == 0. */
__device__ __forceinline__ float row_dot(int t, const uint8_t* row, int cols, const DecodeAct& a) {
    switch (t) {
        case TYPE_F32: return warp_dot_f32<TYPE_F32>(row, cols, a.x);
        case TYPE_F16: return warp_dot_f32<TYPE_F16>(row, cols, a.x);
        case TYPE_BF16: return warp_dot_f32<TYPE_BF16>(row, cols, a.x);
        case TYPE_Q8_0: return warp_dot_q8_0(row, cols, a.q80, a.d80);
        case TYPE_Q4_0: return warp_rowdot<TYPE_Q4_0>(row, cols, a.q80, a.d80);
        case TYPE_Q4_K: return warp_rowdot<TYPE_Q4_K>(row, cols, a.q8k, a.d8k);
        case TYPE_Q6_K: return warp_rowdot<TYPE_Q6_K>(row, cols, a.q8k, a.d8k);
        default: return 0.f;
    }
}

/**
 * Q, K and V projections in one launch over their concatenated rows (4 rows per block; q_dim and kv_dim are
 * multiples of 4 so no block straddles two matrices), then in the epilogue what rope_store does: RoPE on the
 * query and key pairs at position params[1] (rope.cuh), queries rounded to F16 into q, the key and value
 * of this position into the F16 cache.
 */
extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK, MIN_BLOCKS_128)
qkv_rope(const uint8_t* wq, const uint8_t* wk, const uint8_t* wv, int tq, int tk, int tv, long long rbq,
         long long rbk, long long rbv, int cols, const float* x, const int8_t* q80, const float* d80,
         const int8_t* q8k, const float* d8k, float* __restrict__ q, __half* __restrict__ kcache,
         __half* __restrict__ vcache, const int* __restrict__ params, int heads, int kv_heads, int head_dim,
         int rope_dim, float freq_base, float freq_scale, const float* __restrict__ freq_factors) {
    __shared__ float val[ROWS_PER_BLOCK];
    int q_dim = heads * head_dim, kv_dim = kv_heads * head_dim;
    int r0 = blockIdx.x * ROWS_PER_BLOCK;
    int seg, t, j0;
    const uint8_t* w;
    long long rb;
    if (r0 < q_dim) { seg = 0; w = wq; t = tq; rb = rbq; j0 = r0; }
    else if (r0 < q_dim + kv_dim) { seg = 1; w = wk; t = tk; rb = rbk; j0 = r0 - q_dim; }
    else { seg = 2; w = wv; t = tv; rb = rbv; j0 = r0 - q_dim - kv_dim; }
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const uint8_t* row = w + (long long) (j0 + warp) * rb;
    weights_then_wait(t, row, rb);
    DecodeAct a = {x, q80, d80, q8k, d8k};
    float s = row_dot(t, row, cols, a);
    if (lane == 0) val[warp] = s;
    __syncthreads();
    if (threadIdx.x >= ROWS_PER_BLOCK / 2) return;
    int j = j0 + 2 * threadIdx.x; // even: the first of a pair
    float x0 = val[2 * threadIdx.x], x1 = val[2 * threadIdx.x + 1];
    int pos = params[1];
    long long base = (long long) pos * kv_dim + j;
    if (seg == 2) {
        vcache[base] = __float2half_rn(x0);
        vcache[base + 1] = __float2half_rn(x1);
        return;
    }
    int i = (j % head_dim) / 2;
    float y0, y1;
    rope_pair(x0, x1, pos, i, rope_dim, freq_base, freq_scale, freq_factors, y0, y1);
    if (seg == 0) {
        q[j] = round_f16(y0);
        q[j + 1] = round_f16(y1);
    } else {
        kcache[base] = __float2half_rn(y0);
        kcache[base + 1] = __float2half_rn(y1);
    }
}

/**
 * Gate and up projections in one launch and SwiGLU: out = silu(gate) * up. ROWS_PER_BLOCK rows per block, two
 * warps per row (even warp: the gate row, odd: the up row), so both rows' loads are in flight together. T >= 0:
 * both matrices of that type (the compiler keeps only its path); T < 0: the types tg, tu at run time.
 */
template <int T>
__device__ void gate_up_swiglu(const uint8_t* wg, const uint8_t* wu, int tg, int tu, long long rbg, long long rbu,
                               int rows, int cols, const float* x, const int8_t* q80, const float* d80,
                               const int8_t* q8k, const float* d8k, float* __restrict__ out) {
    __shared__ float val[2 * ROWS_PER_BLOCK];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int r = blockIdx.x * ROWS_PER_BLOCK + (warp >> 1);
    if (T >= 0) tg = tu = T;
    const uint8_t* row = warp & 1 ? wu + (long long) r * rbu : wg + (long long) r * rbg;
    weights_then_wait(warp & 1 ? tu : tg, row, r < rows ? (warp & 1 ? rbu : rbg) : 0);
    DecodeAct a = {x, q80, d80, q8k, d8k};
    if (r < rows) {
        float s = warp & 1 ? row_dot(tu, row, cols, a) : row_dot(tg, row, cols, a);
        if (lane == 0) val[warp] = s;
    }
    __syncthreads();
    if (threadIdx.x >= ROWS_PER_BLOCK) return;
    r = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x;
    if (r >= rows) return;
    float g = val[2 * threadIdx.x], u = val[2 * threadIdx.x + 1];
    out[r] = g / (1.f + expf(-g)) * u;
}

// Q4_K's lanes need fewer registers: 5 blocks per multiprocessor (48 registers) measured 837 against 820 t/s
// tg128 Q4_K_M; the same cap for every type cost Q8_0 11% (H100, 2026-11-26).
#ifndef MIN_BLOCKS_Q4K_GATE_UP
#define MIN_BLOCKS_Q4K_GATE_UP 5
#endif

#define GATE_UP_ENTRY(NAME, T, MIN_BLOCKS)                                                                     \
    extern "C" __global__ void __launch_bounds__(64 * ROWS_PER_BLOCK, MIN_BLOCKS)                              \
    gate_up_swiglu##NAME(const uint8_t* wg, const uint8_t* wu, int tg, int tu, long long rbg, long long rbu,     \
                         int rows, int cols, const float* x, const int8_t* q80, const float* d80,              \
                         const int8_t* q8k, const float* d8k, float* out) {                                    \
        gate_up_swiglu<T>(wg, wu, tg, tu, rbg, rbu, rows, cols, x, q80, d80, q8k, d8k, out);                   \
    }

GATE_UP_ENTRY(, -1, MIN_BLOCKS_256)
GATE_UP_ENTRY(_f32, TYPE_F32, MIN_BLOCKS_256)
GATE_UP_ENTRY(_f16, TYPE_F16, MIN_BLOCKS_256)
GATE_UP_ENTRY(_bf16, TYPE_BF16, MIN_BLOCKS_256)
GATE_UP_ENTRY(_q8_0, TYPE_Q8_0, MIN_BLOCKS_256)
GATE_UP_ENTRY(_q4_0, TYPE_Q4_0, MIN_BLOCKS_256)
GATE_UP_ENTRY(_q4_k, TYPE_Q4_K, MIN_BLOCKS_Q4K_GATE_UP)
GATE_UP_ENTRY(_q6_k, TYPE_Q6_K, MIN_BLOCKS_256)
