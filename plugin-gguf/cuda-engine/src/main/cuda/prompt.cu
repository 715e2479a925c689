// Prompt processing: the forward pass over n tokens at once (positions pos0 .. pos0+n-1), row-major activations
// [n][width]. The matrix products are tiled matrix-matrix kernels on the tensor cores. Float weights: gemm, mma.sync
// m16n8k16 with F16 inputs and F32 accumulation, weights converted to F16 against F16 activations. Quantized weights
// meet the 8-bit quants of the activation (act_rows rounds it as quantize.cu does for decode), so each 32-wide (Q6_K:
// 16-wide) step is an exact integer sum, scaled as the decode path scales its dp4a sums: the prompt computes the same
// function as decode up to float rounding. Those run on the int8 tensor cores (gemm8, gemm8.cuh) where the layout
// allows, else on gemm with the integers as exact F16 values; both give the same bits. F16 weights run on gemmh
// (gemmh.cuh: cp.async pipeline, ldmatrix, larger tiles) where the layout allows, again the same bits as gemm. rope_rows writes the F16 KV
// cache for all n positions, which the causal attention of prompt_attn.cu then reads.
#include "common.cuh"
#include "gemm8.cuh"
#include "gemmh.cuh"
#include "mma.cuh"
#include "rope.cuh"

// ---- row-wise helpers ----

/** Row r of x: token tokens[r]'s embedding row, dequantized. grid (ceil(dim/256), n). */
template <int T>
__device__ void embed_rows(const uint8_t* __restrict__ table, long long row_bytes, const int* __restrict__ tokens,
                           float* __restrict__ x, int dim) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= dim) return;
    int r = blockIdx.y;
    x[(long long) r * dim + i] = dequant_one<T>(table + (long long) tokens[r] * row_bytes, i);
}

#define EMBED_ROWS_ENTRY(NAME, T)                                                                              \
    extern "C" __global__ void embed_rows_##NAME(const uint8_t* t, long long rb, const int* tok, float* x,     \
                                                 int dim) {                                                    \
        embed_rows<T>(t, rb, tok, x, dim);                                                                     \
    }

EMBED_ROWS_ENTRY(f32, TYPE_F32)
EMBED_ROWS_ENTRY(f16, TYPE_F16)
EMBED_ROWS_ENTRY(bf16, TYPE_BF16)
EMBED_ROWS_ENTRY(q8_0, TYPE_Q8_0)
EMBED_ROWS_ENTRY(q4_0, TYPE_Q4_0)
EMBED_ROWS_ENTRY(q4_k, TYPE_Q4_K)
EMBED_ROWS_ENTRY(q6_k, TYPE_Q6_K)

#define ACT_F16 0
#define ACT_Q8_0 1
#define ACT_Q8_K 2

/**
 * Row r of what a product reads, into row r of out (stride ld elements, zeros up to the next multiple of 32): the
 * values v of row r of x (width n, stride n); with up non-null silu(x) * up, as swiglu.cu computes it; with norm
 * non-null x / rms(x) * norm, as rmsnorm.cu computes it (the prompt pass uses one or neither). Mode 0: v as F16.
 * Modes 1 (Q8_0, n % 32 == 0) and 2 (Q8_K, n % 256 == 0): the 8-bit quants of quantize.cu as int8, with the scale of
 * each 32 values in dx (row stride ld / 32) and the sum of the quants of each 16 in bs (row stride ld / 16), so that
 * the product kernels reproduce the integer dot products of the decode path. One block of 256 per row.
 */
extern "C" __global__ void __launch_bounds__(256)
act_rows(const float* __restrict__ x, const float* __restrict__ up, const float* __restrict__ norm, float eps, int n,
         void* __restrict__ out, int ld, int mode, float* __restrict__ dx, float* __restrict__ bs) {
    __shared__ float partial[8], mv[8], ms[8];
    __shared__ int mi[8];
    long long row = blockIdx.x;
    const float* xr = x + row * n;
    __half* o = (__half*) out + row * ld;
    int8_t* o8 = (int8_t*) out + row * ld;
    float* dxr = dx + row * (ld / 32);
    float* bsr = bs + row * (ld / 16);
    int t = threadIdx.x, warp = t >> 5, lane = t & 31;
    float scale = 0.f;
    if (norm != nullptr) {
        float ss = 0.f;
        for (int i = t; i < n; i += 256) ss += xr[i] * xr[i];
        ss = warp_sum(ss);
        if (lane == 0) partial[warp] = ss;
        __syncthreads();
        float tot = 0.f;
        for (int w = 0; w < 8; w++) tot += partial[w];
        scale = (float) (1.0 / sqrt((double) tot / n + (double) eps));
    }
    int kpad = (n + 31) & ~31;
    for (int base = 0; base < kpad; base += 256) {
        int i = base + t;
        float v = 0.f;
        if (i < n) {
            v = xr[i];
            if (up != nullptr) v = v / (1.f + expf(-v)) * up[row * n + i];
            if (norm != nullptr) v = v * scale * norm[i];
        }
        float y = v;
        float d = 0.f;
        if (mode == ACT_Q8_0) {
            float amax = warp_max(fabsf(v));
            d = amax / 127.f;
            float id = d != 0.f ? 1.f / d : 0.f;
            y = (float) __float2int_rn(v * id);
            d = round_f16(d);
        } else if (mode == ACT_Q8_K) {
            // the value of largest magnitude of the 256 (the first on ties) maps to -127
            float a = fabsf(v), s = v;
            int idx = t;
            for (int sh = 16; sh > 0; sh >>= 1) {
                float oa = __shfl_xor_sync(0xffffffffu, a, sh), os = __shfl_xor_sync(0xffffffffu, s, sh);
                int oi = __shfl_xor_sync(0xffffffffu, idx, sh);
                if (oa > a || (oa == a && oi < idx)) { a = oa; idx = oi; s = os; }
            }
            __syncthreads();
            if (lane == 0) { mv[warp] = a; mi[warp] = idx; ms[warp] = s; }
            __syncthreads();
            float best = mv[0], m = ms[0];
            int bi = mi[0];
            for (int w = 1; w < 8; w++) {
                if (mv[w] > best || (mv[w] == best && mi[w] < bi)) { best = mv[w]; bi = mi[w]; m = ms[w]; }
            }
            if (best == 0.f) {
                y = 0.f;
            } else {
                float iscale = -127.f / m;
                y = (float) min(127, __float2int_rn(iscale * v));
                d = 1.f / iscale;
            }
        }
        if (i < kpad) {
            if (mode == ACT_F16) o[i] = __float2half_rn(i < n ? y : 0.f);
            else o8[i] = (int8_t) (i < n ? (int) y : 0);
            if (mode != ACT_F16) {
                float q = i < n ? y : 0.f;
                for (int sh = 8; sh > 0; sh >>= 1) q += __shfl_xor_sync(0xffffffffu, q, sh);
                if ((lane & 15) == 0) bsr[i / 16] = q;
                if (lane == 0) dxr[i / 32] = d;
            }
        }
    }
}

/**
 * RoPE on the q and k rows of the n tokens (token r at position pos0 + r), queries rounded to F16, keys and values
 * stored into the F16 cache, as rope.cu does for one token. grid (ceil(total/128), n).
 */
extern "C" __global__ void rope_rows(float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                                     __half* __restrict__ kcache, __half* __restrict__ vcache, int pos0, int heads,
                                     int kv_heads, int head_dim, int rope_dim, float freq_base, float freq_scale,
                                     const float* __restrict__ freq_factors) {
    int r = blockIdx.y;
    int pos = pos0 + r;
    int half_dim = head_dim / 2;
    int idx = blockIdx.x * blockDim.x + threadIdx.x;
    int total = (heads + kv_heads) * half_dim;
    if (idx >= total) return;
    int head = idx / half_dim, i = idx % half_dim;
    bool is_q = head < heads;
    int h = is_q ? head : head - heads;
    int qd = heads * head_dim, kvd = kv_heads * head_dim;
    const float* src = is_q ? q + (long long) r * qd : k + (long long) r * kvd;
    float x0 = src[h * head_dim + 2 * i];
    float x1 = src[h * head_dim + 2 * i + 1];
    float y0, y1;
    rope_pair(x0, x1, pos, i, rope_dim, freq_base, freq_scale, freq_factors, y0, y1);
    if (is_q) {
        float* qr = q + (long long) r * qd;
        qr[h * head_dim + 2 * i] = round_f16(y0);
        qr[h * head_dim + 2 * i + 1] = round_f16(y1);
    } else {
        const float* vr = v + (long long) r * kvd;
        long long base = (long long) pos * kvd + h * head_dim + 2 * i;
        kcache[base] = __float2half_rn(y0);
        kcache[base + 1] = __float2half_rn(y1);
        vcache[base] = __float2half_rn(vr[h * head_dim + 2 * i]);
        vcache[base + 1] = __float2half_rn(vr[h * head_dim + 2 * i + 1]);
    }
}

// ---- matrix-matrix product on the tensor cores ----

#define BM 64   // activation rows (tokens) per block
#define BN 128  // weight rows (outputs) per block
#define BK 32   // reduction step
#define SPAD 8  // halves of padding per shared row (conflict-free fragment loads)

/** Weights [k, k + 16) of a row stored in type T, as F16 (k % 16 == 0; zeros at and past K). */
template <int T>
__device__ __forceinline__ void dequant16(const uint8_t* __restrict__ row, int k, int K, __half* out) {
    if (T == TYPE_F16 || T == TYPE_BF16 || T == TYPE_F32) {
        if (k + 16 <= K && T == TYPE_F16 && (K & 7) == 0) {
            *(uint4*) out = *(const uint4*) (row + 2 * k);
            *(uint4*) (out + 8) = *(const uint4*) (row + 2 * k + 16);
        } else {
#pragma unroll
            for (int i = 0; i < 16; i++) out[i] = __float2half_rn(k + i < K ? dequant_one<T>(row, k + i) : 0.f);
        }
    } else if (T == TYPE_Q8_0) {
        const uint8_t* b = row + (k / 32) * 34;
        __half d = *(const __half*) b;
        const unsigned short* q = (const unsigned short*) (b + 2 + (k & 16));
#pragma unroll
        for (int i = 0; i < 8; i++) {
            unsigned short u = q[i];
            out[2 * i] = __hmul(d, __int2half_rn((int8_t) (u & 0xFF)));
            out[2 * i + 1] = __hmul(d, __int2half_rn((int8_t) (u >> 8)));
        }
    } else if (T == TYPE_Q4_0) {
        const uint8_t* b = row + (k / 32) * 18;
        float d = ld_half(b);
        const unsigned short* q = (const unsigned short*) (b + 2);
        int shift = (k & 16) ? 4 : 0;
#pragma unroll
        for (int i = 0; i < 8; i++) {
            unsigned short u = q[i];
            out[2 * i] = __float2half_rn(d * (float) (((u >> shift) & 0xF) - 8));
            out[2 * i + 1] = __float2half_rn(d * (float) (((u >> (8 + shift)) & 0xF) - 8));
        }
    } else if (T == TYPE_Q4_K) {
        const uint8_t* b = row + (k / 256) * 144;
        int e = k % 256, c = e / 64, hi = (e % 64) / 32, l = e % 32;
        int sc, mn;
        q4k_scale_min(b + 4, 2 * c + hi, sc, mn);
        float d = ld_half(b) * sc, m = ld_half(b + 2) * mn;
        uint4 raw = *(const uint4*) (b + 16 + 32 * c + l);
        const uint8_t* q = (const uint8_t*) &raw;
#pragma unroll
        for (int i = 0; i < 16; i++) out[i] = __float2half_rn(d * (float) (hi ? q[i] >> 4 : q[i] & 0xF) - m);
    } else if (T == TYPE_Q6_K) {
        const uint8_t* b = row + (k / 256) * 210;
        int e = k % 256, h = e / 128, kk = (e % 128) / 32, l = e % 32;
        const unsigned short* ql = (const unsigned short*) (b + 64 * h + 32 * (kk & 1) + l);
        const unsigned short* qh = (const unsigned short*) (b + 128 + 32 * h + l);
        float d = ld_half(b + 208) * (float) (int8_t) b[192 + e / 16];
#pragma unroll
        for (int i = 0; i < 8; i++) {
            unsigned short lo = ql[i], hb = qh[i];
#pragma unroll
            for (int j = 0; j < 2; j++) {
                int low = (lo >> (8 * j)) & 0xFF;
                low = kk < 2 ? (low & 0xF) : (low >> 4);
                int high = ((hb >> (8 * j)) >> (2 * kk)) & 3;
                out[2 * i + j] = __float2half_rn(d * (float) ((low | (high << 4)) - 32));
            }
        }
    }
}

/**
 * Weights [k, k + 16) of a row of quantized type T as exact F16 integers q, with w = a * q - b over the 16.
 */
template <int T>
__device__ __forceinline__ void quants16(const uint8_t* __restrict__ row, int k, __half* out, float& a, float& b) {
    b = 0.f;
    if (T == TYPE_Q8_0) {
        const uint8_t* blk = row + (k / 32) * 34;
        a = ld_half(blk);
        const unsigned short* q = (const unsigned short*) (blk + 2 + (k & 16));
#pragma unroll
        for (int i = 0; i < 8; i++) {
            unsigned short u = q[i];
            out[2 * i] = __int2half_rn((int8_t) (u & 0xFF));
            out[2 * i + 1] = __int2half_rn((int8_t) (u >> 8));
        }
    } else if (T == TYPE_Q4_0) {
        const uint8_t* blk = row + (k / 32) * 18;
        a = ld_half(blk);
        const unsigned short* q = (const unsigned short*) (blk + 2);
        int shift = (k & 16) ? 4 : 0;
#pragma unroll
        for (int i = 0; i < 8; i++) {
            unsigned short u = q[i];
            out[2 * i] = __int2half_rn((int) ((u >> shift) & 0xF) - 8);
            out[2 * i + 1] = __int2half_rn((int) ((u >> (8 + shift)) & 0xF) - 8);
        }
    } else if (T == TYPE_Q4_K) {
        const uint8_t* blk = row + (k / 256) * 144;
        int e = k % 256, c = e / 64, hi = (e % 64) / 32, l = e % 32;
        int sc, mn;
        q4k_scale_min(blk + 4, 2 * c + hi, sc, mn);
        a = ld_half(blk) * (float) sc;
        b = ld_half(blk + 2) * (float) mn;
        uint4 raw = *(const uint4*) (blk + 16 + 32 * c + l);
        const uint8_t* q = (const uint8_t*) &raw;
#pragma unroll
        for (int i = 0; i < 16; i++) out[i] = __int2half_rn(hi ? q[i] >> 4 : q[i] & 0xF);
    } else if (T == TYPE_Q6_K) {
        const uint8_t* blk = row + (k / 256) * 210;
        int e = k % 256, h = e / 128, kk = (e % 128) / 32, l = e % 32;
        const unsigned short* ql = (const unsigned short*) (blk + 64 * h + 32 * (kk & 1) + l);
        const unsigned short* qh = (const unsigned short*) (blk + 128 + 32 * h + l);
        a = ld_half(blk + 208) * (float) (int8_t) blk[192 + e / 16];
#pragma unroll
        for (int i = 0; i < 8; i++) {
            unsigned short lo = ql[i], hb = qh[i];
#pragma unroll
            for (int j = 0; j < 2; j++) {
                int low = (lo >> (8 * j)) & 0xFF;
                low = kk < 2 ? (low & 0xF) : (low >> 4);
                int high = ((hb >> (8 * j)) >> (2 * kk)) & 3;
                out[2 * i + j] = __int2half_rn((low | (high << 4)) - 32);
            }
        }
    }
}

/**
 * C[m][j] (+)= sum_k X[m][k] W[j][k] for m < M tokens, j < N weight rows: X with row stride ldx (a multiple of
 * 32, zero-padded from K to a multiple of 32), W in type T with row stride row_bytes, C F32 with row stride ldc.
 * grid (ceil(N/BN), ceil(M/BM)), 256 threads: 8 warps of 32 tokens x 32 weight rows; shared tiles double-buffered.
 * Float types: W dequantized to F16, X the F16 activation. Quantized types (Q): W's integer quants and X's int8
 * quants (act_rows modes 1, 2) meet as exact F16 integers, each 16-wide step sums exactly in F32, and is scaled as
 * the integer dot products of the decode path: dx[m] * (a[j] * sum(qw qx) - b[j] * sum(qx)), per 32 where both
 * scales hold for 32 (all but Q6_K, whose scales change every 16).
 */
template <int T, bool Q>
__device__ void gemm(const void* __restrict__ Xv, int ldx, int M, const uint8_t* __restrict__ W,
                     long long row_bytes, int N, int K, float* __restrict__ C, int ldc, int accumulate,
                     const float* __restrict__ DX, const float* __restrict__ BS) {
    __shared__ __align__(16) __half As[2][BM][BK + SPAD];
    __shared__ __align__(16) __half Bs[2][BN][BK + SPAD];
    __shared__ float Sa[2][BN][2], Sb[2][BN][2], Sdx[2][BM], Sbs[2][BM][2];
    int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    int g = lane >> 2, tg = lane & 3;
    int wm = warp & 1, wn = warp >> 1;
    int n0 = blockIdx.x * BN, m0 = blockIdx.y * BM;
    // this thread's share of a tile: 8 activation halves, 16 weights of one row
    int ar = tid >> 2, ac = (tid & 3) * 8;
    int br = tid >> 1, bc = (tid & 1) * 16;
    bool a_ok = m0 + ar < M;
    bool b_ok = n0 + br < N;
    const __half* xrow = (const __half*) Xv + (long long) (m0 + ar) * ldx + ac;
    const int8_t* x8row = (const int8_t*) Xv + (long long) (m0 + ar) * ldx + ac;
    const float* dxrow = DX + (long long) (m0 + ar) * (ldx / 32);
    const float* bsrow = BS + (long long) (m0 + ar) * (ldx / 16);
    const uint8_t* wrow = W + (long long) (n0 + br) * row_bytes;
    float acc[2][4][4];
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 4; j++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[i][j][e] = 0.f;

    int nk = (K + BK - 1) / BK;
    uint4 areg;
    __align__(16) __half breg[16];
    float wa = 0.f, wb = 0.f, xd = 0.f, xs = 0.f;

    auto fetch = [&](int k0) {
        if (Q) {
            uint2 q = a_ok ? *(const uint2*) (x8row + k0) : make_uint2(0, 0);
            __half2* h = (__half2*) &areg;
#pragma unroll
            for (int i = 0; i < 4; i++) {
                unsigned u = i < 2 ? q.x : q.y;
                int sh = 16 * (i & 1);
                h[i] = __halves2half2(__int2half_rn((int8_t) (u >> sh)), __int2half_rn((int8_t) (u >> (sh + 8))));
            }
        } else {
            areg = a_ok ? *(const uint4*) (xrow + k0) : make_uint4(0, 0, 0, 0);
        }
        if (Q) {
            if (a_ok && (ac & 15) == 0) {
                xd = dxrow[k0 / 32];
                xs = bsrow[(k0 + ac) / 16];
            }
            if (b_ok) {
                quants16<T>(wrow, k0 + bc, breg, wa, wb);
            } else {
                wa = wb = 0.f;
#pragma unroll
                for (int i = 0; i < 16; i++) breg[i] = __float2half(0.f);
            }
        } else if (b_ok) {
            dequant16<T>(wrow, k0 + bc, K, breg);
        } else {
#pragma unroll
            for (int i = 0; i < 16; i++) breg[i] = __float2half(0.f);
        }
    };
    auto store = [&](int buf) {
        *(uint4*) &As[buf][ar][ac] = areg;
        *(uint4*) &Bs[buf][br][bc] = *(uint4*) breg;
        *(uint4*) &Bs[buf][br][bc + 8] = *(uint4*) (breg + 8);
        if (Q) {
            Sa[buf][br][bc / 16] = wa;
            Sb[buf][br][bc / 16] = wb;
            if ((ac & 15) == 0) {
                if (ac == 0) Sdx[buf][ar] = a_ok ? xd : 0.f;
                Sbs[buf][ar][ac / 16] = a_ok ? xs : 0.f;
            }
        }
    };

    fetch(0);
    store(0);
    __syncthreads();

    for (int kt = 0; kt < nk; kt++) {
        int cur = kt & 1;
        bool more = kt + 1 < nk;
        if (more) fetch((kt + 1) * BK);
        if (Q && T != TYPE_Q6_K) {
            // one scale per 32 on both sides: the two 16-wide steps sum exactly in the same F32 accumulator
#pragma unroll
            for (int i = 0; i < 2; i++) {
                unsigned a[2][4];
                float tdx[2], tbs[2];
#pragma unroll
                for (int h = 0; h < 2; h++) {
                    int r = wm * 32 + i * 16 + g;
                    a[h][0] = *(const unsigned*) &As[cur][r][h * 16 + tg * 2];
                    a[h][1] = *(const unsigned*) &As[cur][r + 8][h * 16 + tg * 2];
                    a[h][2] = *(const unsigned*) &As[cur][r][h * 16 + tg * 2 + 8];
                    a[h][3] = *(const unsigned*) &As[cur][r + 8][h * 16 + tg * 2 + 8];
                    tdx[h] = Sdx[cur][r + h * 8];
                    tbs[h] = Sbs[cur][r + h * 8][0] + Sbs[cur][r + h * 8][1];
                }
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    int r = wn * 32 + j * 8 + g;
                    unsigned b[2][2];
#pragma unroll
                    for (int h = 0; h < 2; h++) {
                        b[h][0] = *(const unsigned*) &Bs[cur][r][h * 16 + tg * 2];
                        b[h][1] = *(const unsigned*) &Bs[cur][r][h * 16 + tg * 2 + 8];
                    }
                    float t[4] = {0.f, 0.f, 0.f, 0.f};
                    mma16816(t, a[0], b[0]);
                    mma16816(t, a[1], b[1]);
#pragma unroll
                    for (int e = 0; e < 2; e++) {
                        int rr = wn * 32 + j * 8 + tg * 2 + e;
                        float ra = Sa[cur][rr][0], rb = Sb[cur][rr][0];
#pragma unroll
                        for (int hh = 0; hh < 2; hh++)
                            acc[i][j][hh * 2 + e] = scale_add<T == TYPE_Q4_K>(acc[i][j][hh * 2 + e], tdx[hh], ra,
                                                                               t[hh * 2 + e], rb, tbs[hh]);
                    }
                }
            }
        } else {
#pragma unroll
            for (int ks = 0; ks < BK; ks += 16) {
                unsigned a[2][4], b[4][2];
#pragma unroll
                for (int i = 0; i < 2; i++) {
                    int r = wm * 32 + i * 16 + g;
                    a[i][0] = *(const unsigned*) &As[cur][r][ks + tg * 2];
                    a[i][1] = *(const unsigned*) &As[cur][r + 8][ks + tg * 2];
                    a[i][2] = *(const unsigned*) &As[cur][r][ks + tg * 2 + 8];
                    a[i][3] = *(const unsigned*) &As[cur][r + 8][ks + tg * 2 + 8];
                }
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    int r = wn * 32 + j * 8 + g;
                    b[j][0] = *(const unsigned*) &Bs[cur][r][ks + tg * 2];
                    b[j][1] = *(const unsigned*) &Bs[cur][r][ks + tg * 2 + 8];
                }
                if (Q) {
                    int h = ks / 16;
                    float tdx[2][2], tbs[2][2], ra[4][2], rb[4][2];
#pragma unroll
                    for (int i = 0; i < 2; i++)
#pragma unroll
                        for (int hh = 0; hh < 2; hh++) {
                            int m = wm * 32 + i * 16 + g + hh * 8;
                            tdx[i][hh] = Sdx[cur][m];
                            tbs[i][hh] = Sbs[cur][m][h];
                        }
#pragma unroll
                    for (int j = 0; j < 4; j++)
#pragma unroll
                        for (int e = 0; e < 2; e++) {
                            int r = wn * 32 + j * 8 + tg * 2 + e;
                            ra[j][e] = Sa[cur][r][h];
                            rb[j][e] = Sb[cur][r][h];
                        }
#pragma unroll
                    for (int i = 0; i < 2; i++)
#pragma unroll
                        for (int j = 0; j < 4; j++) {
                            float t[4] = {0.f, 0.f, 0.f, 0.f};
                            mma16816(t, a[i], b[j]);
#pragma unroll
                            for (int hh = 0; hh < 2; hh++)
#pragma unroll
                                for (int e = 0; e < 2; e++) {
                                    acc[i][j][hh * 2 + e] = scale_add<T == TYPE_Q4_K>(acc[i][j][hh * 2 + e],
                                            tdx[i][hh], ra[j][e], t[hh * 2 + e], rb[j][e], tbs[i][hh]);
                                }
                        }
                } else {
#pragma unroll
                    for (int i = 0; i < 2; i++)
#pragma unroll
                        for (int j = 0; j < 4; j++) mma16816(acc[i][j], a[i], b[j]);
                }
            }
        }
        if (more) store(cur ^ 1);
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < 2; i++) {
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int col = n0 + wn * 32 + j * 8 + tg * 2;
            store_tile(C, ldc, M, N, m0 + wm * 32 + i * 16 + g, col, acc[i][j], accumulate);
        }
    }
}

#define GEMM_ENTRY(NAME, T, Q)                                                                                    \
    extern "C" __global__ void __launch_bounds__(256, 2)                                                          \
    gemm_##NAME(const void* x, int ldx, int m, const uint8_t* w, long long rb, int n, int k, float* c, int ldc, \
                int acc, const float* dx, const float* bs) {                                                   \
        gemm<T, Q>(x, ldx, m, w, rb, n, k, c, ldc, acc, dx, bs);                                               \
    }

GEMM_ENTRY(f32, TYPE_F32, false)
GEMM_ENTRY(f16, TYPE_F16, false)
GEMM_ENTRY(bf16, TYPE_BF16, false)
GEMM_ENTRY(q8_0, TYPE_Q8_0, true)
GEMM_ENTRY(q4_0, TYPE_Q4_0, true)
GEMM_ENTRY(q4_k, TYPE_Q4_K, true)
GEMM_ENTRY(q6_k, TYPE_Q6_K, true)

/**
 * Up to three products of one activation with weights of one type and width, in one launch: the grid's columns are
 * the column tiles (of width tile) of w0, then of w1, then of w2 (n = 0 for an absent one). A product's outputs are
 * computed exactly as in a launch of its own.
 */
struct Group {
    const uint8_t* w;
    int n;
    float* c;
    int ldc;
    int bx;  // column tile within the product
};

__device__ __forceinline__ Group group_of(int tile, const uint8_t* w0, const uint8_t* w1, const uint8_t* w2, int n0,
                                          int n1, int n2, float* c0, float* c1, float* c2, int ldc0, int ldc1,
                                          int ldc2) {
    int bx = blockIdx.x, t0 = (n0 + tile - 1) / tile, t1 = (n1 + tile - 1) / tile;
    if (bx < t0) return {w0, n0, c0, ldc0, bx};
    if (bx < t0 + t1) return {w1, n1, c1, ldc1, bx - t0};
    return {w2, n2, c2, ldc2, bx - t0 - t1};
}

#define GROUP_PARAMS                                                                                              \
    const uint8_t *w0, const uint8_t *w1, const uint8_t *w2, int n0, int n1, int n2, float *c0, float *c1,        \
            float *c2, int ldc0, int ldc1, int ldc2

#define GEMM8_ENTRY(NAME, T, I)                                                                                   \
    extern "C" __global__ void __launch_bounds__(128, 4)                                                          \
    gemm8_##NAME(const int8_t* x, int ldx, int m, long long rb, int k, int acc, const float* dx, const float* bs, \
                 GROUP_PARAMS) {                                                                                  \
        Group p = group_of(QBN, w0, w1, w2, n0, n1, n2, c0, c1, c2, ldc0, ldc1, ldc2);                            \
        gemm8<T, I>(x, ldx, m, p.w, rb, p.n, k, p.c, p.ldc, acc, dx, bs, p.bx);                                   \
    }

GEMM8_ENTRY(q8_0_64, TYPE_Q8_0, 2)
GEMM8_ENTRY(q4_0_64, TYPE_Q4_0, 2)
GEMM8_ENTRY(q4_k_64, TYPE_Q4_K, 2)
GEMM8_ENTRY(q6_k_64, TYPE_Q6_K, 2)
GEMM8_ENTRY(q8_0_32, TYPE_Q8_0, 1)
GEMM8_ENTRY(q4_0_32, TYPE_Q4_0, 1)
GEMM8_ENTRY(q4_k_32, TYPE_Q4_K, 1)
GEMM8_ENTRY(q6_k_32, TYPE_Q6_K, 1)

#define GEMMH_ENTRY(BM, BN, WM, WN, MINB)                                                                        \
    extern "C" __global__ void __launch_bounds__(32 * WM * WN, MINB)                                               \
    gemmh_##BM##x##BN##_##WM##x##WN(const __half* x, int ldx, int m, int k, int acc, GROUP_PARAMS) {             \
        Group p = group_of(BN, w0, w1, w2, n0, n1, n2, c0, c1, c2, ldc0, ldc1, ldc2);                             \
        gemmh<BM, BN, WM, WN>(x, ldx, m, (const __half*) p.w, p.n, k, p.c, p.ldc, acc, p.bx);                     \
    }

// tiles (tokens x weight rows) and warps; CudaPrompt.TILES_F16 lists them in this order
GEMMH_ENTRY(128, 128, 2, 4, 2)
GEMMH_ENTRY(64, 128, 2, 4, 2)
GEMMH_ENTRY(64, 64, 2, 4, 2)
GEMMH_ENTRY(32, 64, 2, 4, 2)
GEMMH_ENTRY(128, 128, 2, 2, 2)
GEMMH_ENTRY(64, 128, 2, 2, 4)
GEMMH_ENTRY(64, 64, 2, 2, 4)
GEMMH_ENTRY(32, 64, 1, 2, 4)
GEMMH_ENTRY(128, 64, 2, 2, 4)
