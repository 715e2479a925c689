// The prompt pass's products for quantized weights on the int8 tensor cores (included by prompt.cu only).
//
// gemm8<T, I> computes the same function as prompt.cu's gemm<T, true>, to the bit: the same exact integer sums (per
// 32 values, Q6_K per 16, whose scales change every 16), scaled by the same scale_add steps in the same order over
// K. The sums come from mma.sync m16n8k32 (Q6_K: m16n8k16) s8 x s8 -> s32 on the int8 activation quants of act_rows
// and the weight quants, unpacked in registers from the raw GGUF blocks (Q4_K nibbles, Q6_K 4 + 2 bits less 32, Q4_0
// nibbles less 8, Q8_0 as stored).
//
// Block tile: 32 * I tokens x 64 weight rows, 4 warps of 16 * I x 32; K in stages of 128 copied with cp.async into
// shared memory (the raw weight bytes of the stage, the activation quants, their scales and 16-sums), two buffers;
// each stage's weight scales are read from global memory into registers one stage ahead and stored decoded as floats.
// Shared memory stays under the 48 KiB of a static allocation (no launch attribute needed).
//
// Layout requirements (CudaPrompt checks them, else it runs gemm<T, true>): K % 256 == 0, ldx % 256 == 0 (16-byte
// aligned scale rows), W and X 16-byte aligned, row_bytes % 16 == 0 (Q6_K: % 4 == 0, read in 4-byte words).
#pragma once
#include "common.cuh"
#include "mma.cuh"

/**
 * acc + dx * (a * t - b * s) for an exact integer sum t (MIN: the type has a min term b * s; else b is zero and the
 * term is left out, which gives the same value), every step rounded as written: all product kernels of a quantized
 * type compute the same float from the same sums, whatever the compiler would contract.
 */
template <bool MIN>
__device__ __forceinline__ float scale_add(float acc, float dx, float a, float t, float b, float s) {
    float v = MIN ? __fmaf_rn(a, t, -__fmul_rn(b, s)) : __fmul_rn(a, t);
    return __fmaf_rn(dx, v, acc);
}

#define QBN 64   // weight rows per block
#define QBK 128  // K per stage

// Per type: bytes per weight row of a stage in shared memory (a stride of 4 * odd words: conflict-free fragment
// reads) and scale groups per stage.
template <int T> struct QTile;
template <> struct QTile<TYPE_Q4_K> { static constexpr int RAW = 80, GROUPS = 4; };   // 64 B of qs
template <> struct QTile<TYPE_Q8_0> { static constexpr int RAW = 144, GROUPS = 4; };  // 4 blocks: 136 B
template <> struct QTile<TYPE_Q4_0> { static constexpr int RAW = 80, GROUPS = 4; };   // 4 blocks: 72 B
template <> struct QTile<TYPE_Q6_K> { static constexpr int RAW = 112, GROUPS = 8; };  // 17 words ql, 9 words qh

/** The 4 bytes at byte offset o of a 4-byte aligned shared row, o % 4 == 0 or 2 (two words and a funnel shift). */
__device__ __forceinline__ unsigned word_at(const uint8_t* row, int o) {
    const unsigned* w = (const unsigned*) (row + (o & ~3));
    return (o & 2) ? __funnelshift_r(w[0], w[1], 16) : w[0];
}

/** Four Q4_0 nibbles (low nibble of each byte) less 8, as int8: v + 0x78 carries into bit 7 exactly when v >= 8. */
__device__ __forceinline__ unsigned q4_0_s8(unsigned w) {
    return ((w & 0x0F0F0F0Fu) + 0x78787878u) ^ 0x80808080u;
}

/** Byte i of w. */
__device__ __forceinline__ int byte_of(unsigned w, int i) {
    return (w >> (8 * i)) & 0xFF;
}

__device__ __forceinline__ float half_bits(unsigned bits) {
    return __half2float(__ushort_as_half((unsigned short) bits));
}

__device__ __forceinline__ unsigned ld_u16(const uint8_t* p) {
    return *(const unsigned short*) p;
}

/** Block column bx (of ceil(N / QBN)) and block row blockIdx.y of C (+)= X W^T; 128 threads. */
template <int T, int I>
__device__ void gemm8(const int8_t* __restrict__ X, int ldx, int M, const uint8_t* __restrict__ W,
                      long long row_bytes, int N, int K, float* __restrict__ C, int ldc, int accumulate,
                      const float* __restrict__ DX, const float* __restrict__ BS, int bx) {
    constexpr int BMQ = 32 * I;
    constexpr int RAW = QTile<T>::RAW, G = QTile<T>::GROUPS;
    constexpr bool MIN = T == TYPE_Q4_K;
    constexpr int ALD = QBK + 16;  // activation row stride in shared memory, bytes: conflict-free ldmatrix rows
    __shared__ __align__(16) uint8_t Ws[2][QBN][RAW];
    __shared__ __align__(16) int8_t As[2][BMQ][ALD];
    __shared__ __align__(16) float Sdx[2][BMQ][4];
    __shared__ __align__(16) float Sbs[2][MIN ? BMQ : 1][8];
    __shared__ __align__(16) float Sa[2][G][QBN];
    __shared__ __align__(16) float Sb[2][MIN ? G : 1][QBN];
    int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    int g = lane >> 2, tg = lane & 3;
    int wm = warp & 1, wn = warp >> 1;
    int n0 = bx * QBN, m0 = blockIdx.y * BMQ;
    int nk = K / QBK;
    // rows past N or M read the last row (their results are not stored)
    auto wrow = [&](int r) { return W + (long long) min(n0 + r, N - 1) * row_bytes; };
    // the weight scales of a stage: two threads per row
    int srow = tid >> 1, spart = tid & 1;
    const uint8_t* sw = wrow(srow);
    unsigned hreg[4];

    auto copy = [&](int kt, int buf) {
        for (int c = tid; c < BMQ * 8; c += 128) {
            int r = c >> 3, part = c & 7;
            cp_async<16>(&As[buf][r][part * 16], X + (long long) min(m0 + r, M - 1) * ldx + kt * QBK + part * 16);
        }
        for (int c = tid; c < BMQ * (MIN ? 3 : 1); c += 128) {
            int r = c % BMQ, part = c / BMQ;
            long long row = min(m0 + r, M - 1);
            if (part == 0) {
                cp_async<16>(&Sdx[buf][r][0], DX + row * (ldx / 32) + kt * 4);
            } else if constexpr (MIN) {
                cp_async<16>(&Sbs[buf][r][(part - 1) * 4], BS + row * (ldx / 16) + kt * 8 + (part - 1) * 4);
            }
        }
        if constexpr (T == TYPE_Q4_K) {
            // qs bytes [64 (kt % 2), +64) of super-block kt / 2: sub-blocks 4 (kt % 2) .. +3
            for (int c = tid; c < QBN * 4; c += 128) {
                int r = c >> 2, part = c & 3;
                cp_async<16>(&Ws[buf][r][part * 16], wrow(r) + (kt >> 1) * 144 + 16 + 64 * (kt & 1) + part * 16);
            }
        } else if constexpr (T == TYPE_Q8_0) {
            for (int c = tid; c < QBN * 17; c += 128) {
                int r = c / 17, part = c % 17;
                cp_async<8>(&Ws[buf][r][part * 8], wrow(r) + kt * 136 + part * 8);
            }
        } else if constexpr (T == TYPE_Q4_0) {
            for (int c = tid; c < QBN * 9; c += 128) {
                int r = c / 9, part = c % 9;
                cp_async<8>(&Ws[buf][r][part * 8], wrow(r) + kt * 72 + part * 8);
            }
        } else {
            // Q6_K half h of super-block b: ql[64h, +64) to words 0..16, qh[32h, +32) to words 17..25, each from
            // the 4-byte word at or before it: rows start 4-byte aligned, so odd super-blocks sit 2 bytes in
            int b = kt >> 1, h = kt & 1, off = 2 * (b & 1);
            for (int c = tid; c < QBN * 26; c += 128) {
                int r = c / 26, w = c % 26;
                const uint8_t* base = wrow(r) + b * 210 - off;
                cp_async<4>(&Ws[buf][r][4 * w], w < 17 ? base + 64 * h + 4 * w : base + 128 + 32 * h + 4 * (w - 17));
            }
        }
    };
    auto fetch_scales = [&](int kt) {
        if constexpr (T == TYPE_Q4_K) {
            uint4 hd = *(const uint4*) (sw + (kt >> 1) * 144);
            hreg[0] = hd.x, hreg[1] = hd.y, hreg[2] = hd.z, hreg[3] = hd.w;
        } else if constexpr (T == TYPE_Q8_0) {
            hreg[0] = ld_u16(sw + kt * 136 + 68 * spart);
            hreg[1] = ld_u16(sw + kt * 136 + 68 * spart + 34);
        } else if constexpr (T == TYPE_Q4_0) {
            hreg[0] = ld_u16(sw + kt * 72 + 36 * spart);
            hreg[1] = ld_u16(sw + kt * 72 + 36 * spart + 18);
        } else {
            const uint8_t* blk = sw + (kt >> 1) * 210;
            hreg[0] = ld_u16(blk + 192 + 8 * (kt & 1) + 4 * spart);
            hreg[1] = ld_u16(blk + 192 + 8 * (kt & 1) + 4 * spart + 2);
            hreg[2] = ld_u16(blk + 208);
        }
    };
    auto store_scales = [&](int kt, int buf) {
        if constexpr (T == TYPE_Q4_K) {
            // sub-block j = 4 (kt % 2) + 2 spart + u; scales bytes 0..11 are words 1..3 (get_scale_min_k4)
            float d = half_bits(hreg[0] & 0xFFFF), dmin = half_bits(hreg[0] >> 16);
#pragma unroll
            for (int u = 0; u < 2; u++) {
                int jj = 2 * spart + u;  // j % 4
                int sc, mn;
                if ((kt & 1) == 0) {
                    sc = byte_of(hreg[1], jj) & 63;
                    mn = byte_of(hreg[2], jj) & 63;
                } else {
                    sc = (byte_of(hreg[3], jj) & 0xF) | ((byte_of(hreg[1], jj) >> 6) << 4);
                    mn = (byte_of(hreg[3], jj) >> 4) | ((byte_of(hreg[2], jj) >> 6) << 4);
                }
                Sa[buf][jj][srow] = d * (float) sc;
                Sb[buf][jj][srow] = dmin * (float) mn;
            }
        } else if constexpr (T == TYPE_Q8_0 || T == TYPE_Q4_0) {
            Sa[buf][2 * spart][srow] = half_bits(hreg[0]);
            Sa[buf][2 * spart + 1][srow] = half_bits(hreg[1]);
        } else {
            float d = half_bits(hreg[2]);
#pragma unroll
            for (int u = 0; u < 4; u++) {
                int sc = (int8_t) ((u < 2 ? hreg[0] : hreg[1]) >> (8 * (u & 1)));
                Sa[buf][4 * spart + u][srow] = d * (float) sc;
            }
        }
    };

    float acc[I][4][4];
#pragma unroll
    for (int i = 0; i < I; i++)
#pragma unroll
        for (int j = 0; j < 4; j++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[i][j][e] = 0.f;

    copy(0, 0);
    cp_async_commit();
    fetch_scales(0);
    store_scales(0, 0);

    for (int kt = 0; kt < nk; kt++) {
        int buf = kt & 1;
        bool more = kt + 1 < nk;
        if (more) {
            copy(kt + 1, buf ^ 1);
            fetch_scales(kt + 1);
        }
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();

        // this warp's activation rows and weight rows in the stage
        int am = wm * 16 * I;
        int bn = wn * 32;
        if constexpr (T != TYPE_Q6_K) {
#pragma unroll
            for (int s = 0; s < 4; s++) {
                unsigned a[I][4];
#pragma unroll
                for (int i = 0; i < I; i++)
                    ldmatrix_x4(a[i], &As[buf][am + i * 16 + (lane & 15)][32 * s + 16 * (lane >> 4)]);
                unsigned b[4][2];
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    const uint8_t* row = &Ws[buf][bn + j * 8 + g][0];
                    if constexpr (T == TYPE_Q4_K) {
                        // sub-block s: nibbles (s % 2) of qs bytes 32 (s / 2) + l
                        int sh = 4 * (s & 1);
                        b[j][0] = (word_at(row, 32 * (s >> 1) + 4 * tg) >> sh) & 0x0F0F0F0Fu;
                        b[j][1] = (word_at(row, 32 * (s >> 1) + 16 + 4 * tg) >> sh) & 0x0F0F0F0Fu;
                    } else if constexpr (T == TYPE_Q8_0) {
                        b[j][0] = word_at(row, 34 * s + 2 + 4 * tg);
                        b[j][1] = word_at(row, 34 * s + 18 + 4 * tg);
                    } else {
                        unsigned w = word_at(row, 18 * s + 2 + 4 * tg);
                        b[j][0] = q4_0_s8(w);
                        b[j][1] = q4_0_s8(w >> 4);
                    }
                }
                float tdx[I][2], tbs[I][2];
#pragma unroll
                for (int i = 0; i < I; i++)
#pragma unroll
                    for (int hh = 0; hh < 2; hh++) {
                        int m = am + i * 16 + g + hh * 8;
                        tdx[i][hh] = Sdx[buf][m][s];
                        tbs[i][hh] = MIN ? Sbs[buf][m][2 * s] + Sbs[buf][m][2 * s + 1] : 0.f;
                    }
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    float2 ra = *(const float2*) &Sa[buf][s][bn + j * 8 + tg * 2];
                    float2 rb = MIN ? *(const float2*) &Sb[buf][s][bn + j * 8 + tg * 2] : make_float2(0.f, 0.f);
#pragma unroll
                    for (int i = 0; i < I; i++) {
                        float t[4];
                        mma_s8_k32(t, a[i], b[j]);
#pragma unroll
                        for (int hh = 0; hh < 2; hh++) {
                            acc[i][j][hh * 2] = scale_add<MIN>(acc[i][j][hh * 2], tdx[i][hh], ra.x,
                                                               t[hh * 2], rb.x, tbs[i][hh]);
                            acc[i][j][hh * 2 + 1] = scale_add<MIN>(acc[i][j][hh * 2 + 1], tdx[i][hh], ra.y,
                                                                   t[hh * 2 + 1], rb.y, tbs[i][hh]);
                        }
                    }
                }
            }
        } else {
            // the 128 values of the stage are 8 groups of 16 (s16 = 2 kk + lh): ql nibble kk / 2 of byte
            // 32 (kk % 2) + l, qh bits 2 kk of byte l, l = 16 lh + 4 tg + 0..3
            int off = 2 * ((kt >> 1) & 1);
            unsigned ql0[4][2], ql1[4][2], qh[4][2];
#pragma unroll
            for (int j = 0; j < 4; j++) {
                const uint8_t* row = &Ws[buf][bn + j * 8 + g][0];
#pragma unroll
                for (int lh = 0; lh < 2; lh++) {
                    ql0[j][lh] = word_at(row, off + 16 * lh + 4 * tg);
                    ql1[j][lh] = word_at(row, off + 32 + 16 * lh + 4 * tg);
                    qh[j][lh] = word_at(row, off + 68 + 16 * lh + 4 * tg);
                }
            }
#pragma unroll
            for (int kk = 0; kk < 4; kk++) {
                unsigned a[I][4];
#pragma unroll
                for (int i = 0; i < I; i++)
                    ldmatrix_x4(a[i], &As[buf][am + i * 16 + (lane & 15)][32 * kk + 16 * (lane >> 4)]);
                float tdx[I][2];
#pragma unroll
                for (int i = 0; i < I; i++)
#pragma unroll
                    for (int hh = 0; hh < 2; hh++) tdx[i][hh] = Sdx[buf][am + i * 16 + g + hh * 8][kk];
#pragma unroll
                for (int lh = 0; lh < 2; lh++) {
                    int s16 = 2 * kk + lh;
#pragma unroll
                    for (int j = 0; j < 4; j++) {
                        unsigned lo = ((kk & 1) ? ql1[j][lh] : ql0[j][lh]) >> (kk >= 2 ? 4 : 0);
                        unsigned v = (lo & 0x0F0F0F0Fu) | (((qh[j][lh] >> (2 * kk)) & 0x03030303u) << 4);
                        unsigned bq = (v + 0x60606060u) ^ 0x80808080u;  // v - 32 as int8
                        float2 ra = *(const float2*) &Sa[buf][s16][bn + j * 8 + tg * 2];
#pragma unroll
                        for (int i = 0; i < I; i++) {
                            float t[4];
                            mma_s8_k16(t, &a[i][2 * lh], bq);
#pragma unroll
                            for (int hh = 0; hh < 2; hh++) {
                                acc[i][j][hh * 2] = scale_add<false>(acc[i][j][hh * 2], tdx[i][hh], ra.x,
                                                                     t[hh * 2], 0.f, 0.f);
                                acc[i][j][hh * 2 + 1] = scale_add<false>(acc[i][j][hh * 2 + 1], tdx[i][hh], ra.y,
                                                                         t[hh * 2 + 1], 0.f, 0.f);
                            }
                        }
                    }
                }
            }
        }
        if (more) store_scales(kt + 1, buf ^ 1);
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < I; i++) {
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int col = n0 + wn * 32 + j * 8 + tg * 2;
            store_tile(C, ldc, M, N, m0 + wm * 16 * I + i * 16 + g, col, acc[i][j], accumulate);
        }
    }
}
