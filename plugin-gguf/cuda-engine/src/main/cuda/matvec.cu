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

template <int T>
__device__ __forceinline__ float dot8_q8(const uint8_t* row, int u, const int8_t* xq, const float* xd) {
    int2 xv = *(const int2*) (xq + 8 * u);
    if (T == TYPE_Q4_K) {
        const uint8_t* b = row + (u / 32) * 144;
        int e = (u % 32) * 8, c = e / 64, hi = (e % 64) / 32, l = e % 32;
        int sc, mn;
        q4k_scale_min(b + 4, 2 * c + hi, sc, mn);
        uint2 raw = *(const uint2*) (b + 16 + 32 * c + l);
        int w0 = hi ? (raw.x >> 4) & 0x0F0F0F0F : raw.x & 0x0F0F0F0F;
        int w1 = hi ? (raw.y >> 4) & 0x0F0F0F0F : raw.y & 0x0F0F0F0F;
        int isum = __dp4a(w0, xv.x, __dp4a(w1, xv.y, 0));
        int xsum = __dp4a(0x01010101, xv.x, __dp4a(0x01010101, xv.y, 0));
        return xd[u / 32] * (ld_half(b) * (float) (sc * isum) - ld_half(b + 2) * (float) (mn * xsum));
    } else if (T == TYPE_Q6_K) {
        const uint8_t* b = row + (u / 32) * 210;
        int e = (u % 32) * 8, h = e / 128, k = (e % 128) / 32, l = e % 32;
        const uint8_t* ql = b + 64 * h + 32 * (k & 1) + l;
        const uint8_t* qh = b + 128 + 32 * h + l;
        uint8_t q[8];
#pragma unroll
        for (int i = 0; i < 8; i++) {
            int low = k < 2 ? (ql[i] & 0xF) : (ql[i] >> 4);
            int high = (qh[i] >> (2 * k)) & 3;
            q[i] = (uint8_t) (int8_t) ((low | (high << 4)) - 32);
        }
        int isum = __dp4a(pack4(q), xv.x, __dp4a(pack4(q + 4), xv.y, 0));
        return xd[u / 32] * ld_half(b + 208) * (float) ((int8_t) b[192 + e / 16] * isum);
    } else if (T == TYPE_Q8_0) {
        const uint8_t* b = row + (u / 4) * 34;
        const uint8_t* q = b + 2 + (u % 4) * 8;
        int isum = __dp4a(pack4(q), xv.x, __dp4a(pack4(q + 4), xv.y, 0));
        return ld_half(b) * xd[u / 4] * (float) isum;
    } else { // TYPE_Q4_0
        const uint8_t* b = row + (u / 4) * 18;
        int p = (u % 4) * 8;
        const uint8_t* q = b + 2 + (p & 15);
        int r0 = pack4(q), r1 = pack4(q + 4);
        int w0 = p < 16 ? r0 & 0x0F0F0F0F : (r0 >> 4) & 0x0F0F0F0F;
        int w1 = p < 16 ? r1 & 0x0F0F0F0F : (r1 >> 4) & 0x0F0F0F0F;
        // (q - 8) . x = q . x - 8 * sum(x)
        int isum = __dp4a(w0, xv.x, __dp4a(w1, xv.y, 0)) - 8 * __dp4a(0x01010101, xv.x, __dp4a(0x01010101, xv.y, 0));
        return ld_half(b) * xd[u / 4] * (float) isum;
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
