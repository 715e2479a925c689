// Matrix-vector product y = W x (or y += W x) with W in its GGUF block layout, one warp per row.
// Each lane takes units of 8 consecutive weights of the row, so a Q4_K/Q6_K block (256 weights) is one warp step
// and a Q8_0/Q4_0 block (32 weights) is four lanes. x is F32 (kept in L1/L2: it is small and read by every row).
#include "common.cuh"

#define ROWS_PER_BLOCK 4

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
 * row stride is row_bytes. accumulate != 0 adds to y (fuses the residual add).
 */
template <int T>
__device__ void matvec(const uint8_t* __restrict__ w, const float* __restrict__ x, float* __restrict__ y,
                       int rows, int cols, long long row_bytes, int accumulate) {
    int lane = threadIdx.x & 31;
    int r = blockIdx.x * ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (r >= rows) return;
    const uint8_t* row = w + (long long) r * row_bytes;
    float s = 0.f;
    int units = cols / 8;
#pragma unroll 4
    for (int u = lane; u < units; u += 32) s += dot8<T>(row, u, x);
    s = warp_sum(s);
    if (lane == 0) y[r] = accumulate ? y[r] + s : s;
}

/** Any cols (F32/F16/BF16 rows whose length is not a multiple of 8): one element per lane step. */
template <int T>
__device__ void matvec_scalar(const uint8_t* __restrict__ w, const float* __restrict__ x, float* __restrict__ y,
                              int rows, int cols, long long row_bytes, int accumulate) {
    int lane = threadIdx.x & 31;
    int r = blockIdx.x * ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (r >= rows) return;
    const uint8_t* row = w + (long long) r * row_bytes;
    float s = 0.f;
    for (int i = lane; i < cols; i += 32) s += dequant_one<T>(row, i) * x[i];
    s = warp_sum(s);
    if (lane == 0) y[r] = accumulate ? y[r] + s : s;
}

// ---- quantized weights against 8-bit activations (integer dot products with dp4a) ----
// x is xq (int8) with scales xd: one per 32 values (Q8_0) for Q8_0/Q4_0 weights, one per 256 (Q8_K) for Q4_K/Q6_K.

__device__ __forceinline__ int pack4(const uint8_t* p) {
    return (int) (p[0] | (p[1] << 8) | (p[2] << 16) | ((unsigned) p[3] << 24));
}

__device__ __forceinline__ unsigned ld_u16x2(const uint8_t* p) { // 4 bytes at a 2-byte aligned address
    const unsigned short* h = (const unsigned short*) p;
    return (unsigned) h[0] | ((unsigned) h[1] << 16);
}

__device__ __forceinline__ float half_lo(unsigned w) {
    return __half2float(__ushort_as_half((unsigned short) (w & 0xFFFFu)));
}

// The weights are read in 2- and 4-byte words (Q6_K, Q8_0 and Q4_0 blocks are only 2-byte aligned), the sums are
// the same integer dot products and float scalings as byte-wise reads would give.
template <int T>
__device__ __forceinline__ float dot8_q8(const uint8_t* row, int u, const int8_t* xq, const float* xd) {
    int2 xv = *(const int2*) (xq + 8 * u);
    if (T == TYPE_Q4_K) {
        const uint8_t* b = row + (u / 32) * 144;
        int e = (u % 32) * 8, c = e / 64, hi = (e % 64) / 32, l = e % 32;
        unsigned dm = *(const unsigned*) b;
        unsigned s0 = *(const unsigned*) (b + 4), s1 = *(const unsigned*) (b + 8), s2 = *(const unsigned*) (b + 12);
        int j = 2 * c + hi, sc, mn;
        if (j < 4) { // bytes j and j + 4 of the 12 scale bytes
            sc = (s0 >> (8 * j)) & 63;
            mn = (s1 >> (8 * j)) & 63;
        } else { // bytes j + 4, j - 4 and j
            int j4 = (s2 >> (8 * (j - 4))) & 0xFF;
            sc = (j4 & 0xF) | ((((s0 >> (8 * (j - 4))) & 0xFF) >> 6) << 4);
            mn = (j4 >> 4) | ((((s1 >> (8 * (j - 4))) & 0xFF) >> 6) << 4);
        }
        uint2 raw = *(const uint2*) (b + 16 + 32 * c + l);
        int w0 = hi ? (raw.x >> 4) & 0x0F0F0F0F : raw.x & 0x0F0F0F0F;
        int w1 = hi ? (raw.y >> 4) & 0x0F0F0F0F : raw.y & 0x0F0F0F0F;
        int isum = __dp4a(w0, xv.x, __dp4a(w1, xv.y, 0));
        int xsum = __dp4a(0x01010101, xv.x, __dp4a(0x01010101, xv.y, 0));
        return xd[u / 32] * (half_lo(dm) * (float) (sc * isum) - half_lo(dm >> 16) * (float) (mn * xsum));
    } else if (T == TYPE_Q6_K) {
        const uint8_t* b = row + (u / 32) * 210;
        int e = (u % 32) * 8, h = e / 128, k = (e % 128) / 32, l = e % 32;
        const uint8_t* ql = b + 64 * h + 32 * (k & 1) + l;
        const uint8_t* qh = b + 128 + 32 * h + l;
        unsigned l0 = ld_u16x2(ql), l1 = ld_u16x2(ql + 4), h0 = ld_u16x2(qh), h1 = ld_u16x2(qh + 4);
        unsigned lo0 = k < 2 ? l0 & 0x0F0F0F0Fu : (l0 >> 4) & 0x0F0F0F0Fu;
        unsigned lo1 = k < 2 ? l1 & 0x0F0F0F0Fu : (l1 >> 4) & 0x0F0F0F0Fu;
        unsigned q0 = lo0 | (((h0 >> (2 * k)) & 0x03030303u) << 4); // bytes 0..63
        unsigned q1 = lo1 | (((h1 >> (2 * k)) & 0x03030303u) << 4);
        // minus 32 per byte: bytes -32..31 as int8
        int isum = __dp4a((int) __vsub4(q0, 0x20202020u), xv.x, __dp4a((int) __vsub4(q1, 0x20202020u), xv.y, 0));
        float d = __half2float(__ushort_as_half(*(const unsigned short*) (b + 208)));
        return xd[u / 32] * d * (float) ((int8_t) b[192 + e / 16] * isum);
    } else if (T == TYPE_Q8_0) {
        const uint8_t* b = row + (u / 4) * 34;
        const uint8_t* q = b + 2 + (u % 4) * 8;
        int isum = __dp4a((int) ld_u16x2(q), xv.x, __dp4a((int) ld_u16x2(q + 4), xv.y, 0));
        return __half2float(__ushort_as_half(*(const unsigned short*) b)) * xd[u / 4] * (float) isum;
    } else { // TYPE_Q4_0
        const uint8_t* b = row + (u / 4) * 18;
        int p = (u % 4) * 8;
        const uint8_t* q = b + 2 + (p & 15);
        int r0 = (int) ld_u16x2(q), r1 = (int) ld_u16x2(q + 4);
        int w0 = p < 16 ? r0 & 0x0F0F0F0F : (r0 >> 4) & 0x0F0F0F0F;
        int w1 = p < 16 ? r1 & 0x0F0F0F0F : (r1 >> 4) & 0x0F0F0F0F;
        // (q - 8) . x = q . x - 8 * sum(x)
        int isum = __dp4a(w0, xv.x, __dp4a(w1, xv.y, 0)) - 8 * __dp4a(0x01010101, xv.x, __dp4a(0x01010101, xv.y, 0));
        return __half2float(__ushort_as_half(*(const unsigned short*) b)) * xd[u / 4] * (float) isum;
    }
}

template <int T>
__device__ void matvec_q8(const uint8_t* __restrict__ w, const int8_t* __restrict__ xq, const float* __restrict__ xd,
                          float* __restrict__ y, int rows, int cols, long long row_bytes, int accumulate) {
    int lane = threadIdx.x & 31;
    int r = blockIdx.x * ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (r >= rows) return;
    const uint8_t* row = w + (long long) r * row_bytes;
    float s = 0.f;
    int units = cols / 8;
#pragma unroll 4
    for (int u = lane; u < units; u += 32) s += dot8_q8<T>(row, u, xq, xd);
    s = warp_sum(s);
    if (lane == 0) y[r] = accumulate ? y[r] + s : s;
}

#define MATVEC_Q8_ENTRY(NAME, T)                                                                               \
    extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK)                                          \
    matvec_q8_##NAME(const uint8_t* w, const int8_t* xq, const float* xd, float* y, int rows, int cols,          \
                     long long row_bytes, int acc) {                                                           \
        matvec_q8<T>(w, xq, xd, y, rows, cols, row_bytes, acc);                                                \
    }

MATVEC_Q8_ENTRY(q8_0, TYPE_Q8_0)
MATVEC_Q8_ENTRY(q4_0, TYPE_Q4_0)
MATVEC_Q8_ENTRY(q4_k, TYPE_Q4_K)
MATVEC_Q8_ENTRY(q6_k, TYPE_Q6_K)

#define MATVEC_ENTRY(NAME, T)                                                                                  \
    extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK)                                          \
    matvec_##NAME(const uint8_t* w, const float* x, float* y, int rows, int cols, long long row_bytes, int acc) { \
        matvec<T>(w, x, y, rows, cols, row_bytes, acc);                                                        \
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

// ---- fused decode products (one launch for several matrices that read the same input) ----
// The weight type is a run-time argument (uniform per block), so Q, K and V (or gate and up) of different types
// share a launch. Each row is summed exactly as matvec / matvec_q8 sum it (lane u-stride order, then warp_sum), so
// the results are bit-identical to the separate launches.

/** The activation of a fused product in every form a weight type may read. */
struct DecodeAct {
    const float* x;    // F32, for F32/F16/BF16 weights
    const int8_t* q80; // Q8_0 quants and scales, for Q8_0/Q4_0
    const float* d80;
    const int8_t* q8k; // Q8_K quants and scales, for Q4_K/Q6_K
    const float* d8k;
};

template <int T>
__device__ __forceinline__ float lane_dot_f32(const uint8_t* row, int lane, int units, const float* x) {
    float s = 0.f;
#pragma unroll 4
    for (int u = lane; u < units; u += 32) s += dot8<T>(row, u, x);
    return s;
}

template <int T>
__device__ __forceinline__ float lane_dot_q8(const uint8_t* row, int lane, int units, const int8_t* xq,
                                             const float* xd) {
    float s = 0.f;
#pragma unroll 4
    for (int u = lane; u < units; u += 32) s += dot8_q8<T>(row, u, xq, xd);
    return s;
}

/** Row . x for a weight row of ggml type t, summed over the warp (every lane gets the sum); cols % 8 == 0. */
__device__ __forceinline__ float row_dot(int t, const uint8_t* row, int lane, int cols, const DecodeAct& a) {
    int units = cols / 8;
    float s = 0.f;
    switch (t) {
        case TYPE_F32: s = lane_dot_f32<TYPE_F32>(row, lane, units, a.x); break;
        case TYPE_F16: s = lane_dot_f32<TYPE_F16>(row, lane, units, a.x); break;
        case TYPE_BF16: s = lane_dot_f32<TYPE_BF16>(row, lane, units, a.x); break;
        case TYPE_Q8_0: s = lane_dot_q8<TYPE_Q8_0>(row, lane, units, a.q80, a.d80); break;
        case TYPE_Q4_0: s = lane_dot_q8<TYPE_Q4_0>(row, lane, units, a.q80, a.d80); break;
        case TYPE_Q4_K: s = lane_dot_q8<TYPE_Q4_K>(row, lane, units, a.q8k, a.d8k); break;
        case TYPE_Q6_K: s = lane_dot_q8<TYPE_Q6_K>(row, lane, units, a.q8k, a.d8k); break;
        default: break;
    }
    return warp_sum(s);
}

/**
 * Q, K and V projections in one launch over their concatenated rows (4 rows per block; q_dim and kv_dim are
 * multiples of 4 so no block straddles two matrices), then in the epilogue what rope_store does: RoPE on the
 * query and key pairs at position params[1] (angle in double), queries rounded to F16 into q, the key and value
 * of this position into the F16 cache.
 */
extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK)
qkv_rope(const uint8_t* wq, const uint8_t* wk, const uint8_t* wv, int tq, int tk, int tv, long long rbq,
         long long rbk, long long rbv, int cols, const float* x, const int8_t* q80, const float* d80,
         const int8_t* q8k, const float* d8k, float* __restrict__ q, __half* __restrict__ kcache,
         __half* __restrict__ vcache, const int* __restrict__ params, int heads, int kv_heads, int head_dim,
         int rope_dim, float freq_base, float freq_scale) {
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
    DecodeAct a = {x, q80, d80, q8k, d8k};
    float s = row_dot(t, w + (long long) (j0 + warp) * rb, lane, cols, a);
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
    float y0 = x0, y1 = x1;
    if (2 * i < rope_dim) {
        double theta = (double) pos * (double) freq_scale * pow((double) freq_base, -2.0 * i / rope_dim);
        float c = (float) cos(theta), sn = (float) sin(theta);
        y0 = x0 * c - x1 * sn;
        y1 = x0 * sn + x1 * c;
    }
    if (seg == 0) {
        q[j] = round_f16(y0);
        q[j + 1] = round_f16(y1);
    } else {
        kcache[base] = __float2half_rn(y0);
        kcache[base + 1] = __float2half_rn(y1);
    }
}

/** Two rows of one type summed in the same loop (more loads in flight), each in its own order as row_dot. */
template <int T>
__device__ __forceinline__ void lane_dot2(const uint8_t* ra, const uint8_t* rb, int lane, int units,
                                          const DecodeAct& a, float& sa, float& sb) {
#pragma unroll 4
    for (int u = lane; u < units; u += 32) {
        if (T == TYPE_F32 || T == TYPE_F16 || T == TYPE_BF16) {
            sa += dot8<T>(ra, u, a.x);
            sb += dot8<T>(rb, u, a.x);
        } else if (T == TYPE_Q8_0 || T == TYPE_Q4_0) {
            sa += dot8_q8<T>(ra, u, a.q80, a.d80);
            sb += dot8_q8<T>(rb, u, a.q80, a.d80);
        } else {
            sa += dot8_q8<T>(ra, u, a.q8k, a.d8k);
            sb += dot8_q8<T>(rb, u, a.q8k, a.d8k);
        }
    }
}

__device__ __forceinline__ bool row_dot2(int t, const uint8_t* ra, const uint8_t* rb, int lane, int cols,
                                         const DecodeAct& a, float& ga, float& gb) {
    int units = cols / 8;
    float sa = 0.f, sb = 0.f;
    switch (t) {
        case TYPE_F32: lane_dot2<TYPE_F32>(ra, rb, lane, units, a, sa, sb); break;
        case TYPE_F16: lane_dot2<TYPE_F16>(ra, rb, lane, units, a, sa, sb); break;
        case TYPE_BF16: lane_dot2<TYPE_BF16>(ra, rb, lane, units, a, sa, sb); break;
        case TYPE_Q8_0: lane_dot2<TYPE_Q8_0>(ra, rb, lane, units, a, sa, sb); break;
        case TYPE_Q4_0: lane_dot2<TYPE_Q4_0>(ra, rb, lane, units, a, sa, sb); break;
        case TYPE_Q4_K: lane_dot2<TYPE_Q4_K>(ra, rb, lane, units, a, sa, sb); break;
        case TYPE_Q6_K: lane_dot2<TYPE_Q6_K>(ra, rb, lane, units, a, sa, sb); break;
        default: return false;
    }
    ga = warp_sum(sa);
    gb = warp_sum(sb);
    return true;
}

/** Gate and up projections in one launch, each warp one row of both, and SwiGLU: out = silu(gate) * up. */
extern "C" __global__ void __launch_bounds__(32 * ROWS_PER_BLOCK)
gate_up_swiglu(const uint8_t* wg, const uint8_t* wu, int tg, int tu, long long rbg, long long rbu, int rows,
               int cols, const float* x, const int8_t* q80, const float* d80, const int8_t* q8k, const float* d8k,
               float* __restrict__ out) {
    int lane = threadIdx.x & 31;
    int r = blockIdx.x * ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (r >= rows) return;
    DecodeAct a = {x, q80, d80, q8k, d8k};
    float g, u;
    if (tg != tu || !row_dot2(tg, wg + (long long) r * rbg, wu + (long long) r * rbu, lane, cols, a, g, u)) {
        g = row_dot(tg, wg + (long long) r * rbg, lane, cols, a);
        u = row_dot(tu, wu + (long long) r * rbu, lane, cols, a);
    }
    if (lane == 0) out[r] = g / (1.f + expf(-g)) * u;
}
