// Dot products of a thread block's weight rows with an 8-bit activation, summed in ggml's x86 (AVX2) order, the
// order the CPU engine reproduces (dev.hearth.gguf.quant.GgmlLanes): per block of the weight type, 8 exact integer
// lanes (lane k = weights 4k..4k+3 of every 32-weight run, times the run's scale for the K-quants); per lane a float
// fused multiply-add over the blocks in order with the combined scale; then ((a0+a4)+(a2+a6))+((a1+a5)+(a3+a7)).
// Q4_K's min term has 4 lanes of its own (sub-blocks 2i, 2i+1), summed (m0+m2)+(m1+m3) and added last. Q4_0 sums
// as the CPU engine's Q4_0 kernel does: one integer sum per block, then sum += isum * scale in block order.
//
// Work split: one warp per row. Each pass of the warp covers G = 32 / TPS consecutive weight blocks, TPS lanes per
// block; the words of UNROLL passes are loaded before any is used (bytes in flight). Q4_K: lane 8g + k computes
// ggml's integer lane k of block g of the pass by itself (word k of each 32-byte quant chunk against the lane's
// eight activation words, which the lane-major Q8_K order of q8.cuh keeps together), and lanes k < 4 also min
// lane k. Q6_K, Q8_0, Q4_0: each lane takes a slice of a block (3 words, 16 bytes) and the slices of a block are
// combined with shuffles. Then every lane folds the pass's blocks in order into its lane's float sum, reading each
// block's values from the lane that holds them. No shared memory, no barrier.
#pragma once
#include "q8.cuh"

template <int T> struct QTraits;
#ifndef Q4K_UNROLL
#define Q4K_UNROLL 1
#endif
#ifndef Q6K_UNROLL
#define Q6K_UNROLL 2
#endif
// QK weights per block, TPS lanes per block, BYTES per block, UNROLL passes loaded ahead
template <> struct QTraits<TYPE_Q4_K> { static constexpr int QK = 256, TPS = 8, BYTES = 144, UNROLL = Q4K_UNROLL; };
template <> struct QTraits<TYPE_Q6_K> { static constexpr int QK = 256, TPS = 16, BYTES = 210, UNROLL = Q6K_UNROLL; };
template <> struct QTraits<TYPE_Q8_0> { static constexpr int QK = 32, TPS = 2, BYTES = 34, UNROLL = 4; };
template <> struct QTraits<TYPE_Q4_0> { static constexpr int QK = 32, TPS = 1, BYTES = 18, UNROLL = 2; };

/** 4 bytes at a 2-byte aligned address, from aligned words (weights carry 16 bytes of padding past their end). */
__device__ __forceinline__ unsigned ld_u32_a2(const uint8_t* p) {
    uintptr_t a = (uintptr_t) p;
    const unsigned* w = (const unsigned*) (a & ~(uintptr_t) 3);
    unsigned sh = (unsigned) (a & 2) * 8; // 0 or 16
    return __funnelshift_r(w[0], w[sh >> 4], sh);
}

__device__ __forceinline__ float f16_bits(unsigned short h) {
    return __half2float(__ushort_as_half(h));
}

/** The words one task reads, loaded before any is used. */
template <int T> struct Raw;
template <> struct Raw<TYPE_Q4_K> { uint4 hd; unsigned q[4]; int4 x0, x1; float xd; int2 bs; };
template <> struct Raw<TYPE_Q6_K> { unsigned ql0, ql1, qh; int x[4]; int sc[4]; unsigned short d; };
template <> struct Raw<TYPE_Q8_0> { unsigned q[4]; int4 x; unsigned short d; };
template <> struct Raw<TYPE_Q4_0> { unsigned q[4]; int4 xl, xh; unsigned short d; };

/** Loads slice t of weight block b of a row (and the activation words it pairs with). */
template <int T>
__device__ __forceinline__ void load_task(Raw<T>& r, const uint8_t* row, int b, int nb, int t, const int8_t* xq,
                                          const float* xd) {
    const uint8_t* blk = row + (long long) b * QTraits<T>::BYTES;
    if constexpr (T == TYPE_Q4_K) { // t = k: word k of each quant chunk c (positions 4k..4k+3 of runs 2c, 2c+1)
        r.hd = *(const uint4*) blk;
#pragma unroll
        for (int c = 0; c < 4; c++) r.q[c] = *(const unsigned*) (blk + 16 + 32 * c + 4 * t);
        const int8_t* xa = xq + 256 * b + 32 * t; // lane-major: runs 0..7 of lane t
        r.x0 = *(const int4*) xa;
        r.x1 = *(const int4*) (xa + 16);
        r.xd = xd[b];
        r.bs = ((const int2*) q8_k_run_sums(xd, nb))[4 * b + (t & 3)]; // runs 2t, 2t + 1: min lane t (t < 4)
    } else if constexpr (T == TYPE_Q6_K) { // t = 8h + j: positions 4j..4j+3 of the four 32-runs of half h
        int h = t >> 3, j = t & 7;
        r.ql0 = ld_u32_a2(blk + 64 * h + 4 * j);
        r.ql1 = ld_u32_a2(blk + 64 * h + 32 + 4 * j);
        r.qh = ld_u32_a2(blk + 128 + 32 * h + 4 * j);
        int4 x = *(const int4*) (xq + 256 * b + 32 * j + 16 * h); // lane-major: runs 4h..4h+3 of lane j
        r.x[0] = x.x; r.x[1] = x.y; r.x[2] = x.z; r.x[3] = x.w;
#pragma unroll
        for (int k = 0; k < 4; k++) r.sc[k] = (int8_t) blk[192 + 8 * h + 2 * k + j / 4];
        r.d = *(const unsigned short*) (blk + 208);
    } else if constexpr (T == TYPE_Q8_0) { // t = half: lanes 4t..4t+3, weights 16t..16t+15
#pragma unroll
        for (int i = 0; i < 4; i++) r.q[i] = ld_u32_a2(blk + 2 + 16 * t + 4 * i);
        r.x = *(const int4*) (xq + 32 * b + 16 * t);
        r.d = *(const unsigned short*) blk;
    } else { // Q4_0, the whole block: lane k < 4 takes the low nibbles of bytes 4k.., lane k + 4 their high nibbles
#pragma unroll
        for (int i = 0; i < 4; i++) r.q[i] = ld_u32_a2(blk + 2 + 4 * i);
        r.xl = *(const int4*) (xq + 32 * b);
        r.xh = *(const int4*) (xq + 32 * b + 16);
        r.d = *(const unsigned short*) blk;
    }
}


__device__ __forceinline__ int pick4(int w0, int w1, int w2, int w3, int i) {
    return i == 0 ? w0 : i == 1 ? w1 : i == 2 ? w2 : w3;
}

/**
 * One pass's float steps: the blocks bu .. bu + G - 1 (those below nb) of the row folded into acc in block order.
 * Lanes' raw words hold block bu + lane / TPS. Every lane of the warp calls it.
 */
template <int T>
__device__ __forceinline__ void fold_pass(const Raw<T>& r, int bu, int nb, const float* __restrict__ xd,
                                          float& acc, float& accm) {
    constexpr int TPS = QTraits<T>::TPS, G = 32 / TPS;
    int lane = threadIdx.x & 31, t = lane % TPS, b = bu + lane / TPS, k = lane & 7;
    bool has = b < nb;
    if constexpr (T == TYPE_Q4_K) { // t = k
        // the 6-bit scales and mins of sub-blocks 0..3 and 4..7 as bytes (get_scale_min_k4 on whole words)
        unsigned s0 = r.hd.y, s1 = r.hd.z, s2 = r.hd.w;
        unsigned sc_lo = s0 & 0x3F3F3F3Fu, sc_hi = (s2 & 0x0F0F0F0Fu) | ((s0 >> 2) & 0x30303030u);
        unsigned mn_lo = s1 & 0x3F3F3F3Fu, mn_hi = ((s2 >> 4) & 0x0F0F0F0Fu) | ((s1 >> 2) & 0x30303030u);
        const int xw[8] = {r.x0.x, r.x0.y, r.x0.z, r.x0.w, r.x1.x, r.x1.y, r.x1.z, r.x1.w};
        int v = 0;
#pragma unroll
        for (int c = 0; c < 4; c++) {
            unsigned sc = c < 2 ? sc_lo : sc_hi;
            int sl = (sc >> (16 * (c & 1))) & 0xFF, sh = (sc >> (16 * (c & 1) + 8)) & 0xFF;
            v += sl * __dp4a((int) (r.q[c] & 0x0F0F0F0Fu), xw[2 * c], 0)
                    + sh * __dp4a((int) ((r.q[c] >> 4) & 0x0F0F0F0Fu), xw[2 * c + 1], 0);
        }
        unsigned mw = t & 2 ? mn_hi : mn_lo; // min lane t < 4: sub-blocks 2t, 2t + 1
        int sh16 = 16 * (t & 1);
        int m = (int) ((mw >> sh16) & 0xFF) * r.bs.x + (int) ((mw >> (sh16 + 8)) & 0xFF) * r.bs.y;
        float sd = has ? r.xd * f16_bits((unsigned short) (r.hd.x & 0xFFFFu)) : 0.f;
        float sm = has ? -r.xd * f16_bits((unsigned short) (r.hd.x >> 16)) : 0.f;
#pragma unroll
        for (int gi = 0; gi < G; gi++) {
            if (bu + gi >= nb) break; // uniform
            int w = __shfl_sync(0xffffffffu, v, gi * TPS + k);
            int wm = __shfl_sync(0xffffffffu, m, gi * TPS + (k & 3));
            float d = __shfl_sync(0xffffffffu, sd, gi * TPS), dm = __shfl_sync(0xffffffffu, sm, gi * TPS);
            acc = fmaf(d, (float) w, acc);
            accm = fmaf(dm, (float) wm, accm);
        }
    } else if constexpr (T == TYPE_Q6_K) { // t = 8h + j
        const unsigned lo[4] = {r.ql0 & 0x0F0F0F0Fu, r.ql1 & 0x0F0F0F0Fu, (r.ql0 >> 4) & 0x0F0F0F0Fu,
                                (r.ql1 >> 4) & 0x0F0F0F0Fu};
        int v = 0;
#pragma unroll
        for (int kk = 0; kk < 4; kk++) {
            unsigned q = lo[kk] | (((r.qh >> (2 * kk)) & 0x03030303u) << 4);
            v += r.sc[kk] * __dp4a((int) __vsub4(q, 0x20202020u), r.x[kk], 0);
        }
        v += __shfl_xor_sync(0xffffffffu, v, 8); // both halves h: lane j (h = 0) holds lane j
        float sd = has ? xd[b] * f16_bits(r.d) : 0.f;
#pragma unroll
        for (int gi = 0; gi < G; gi++) {
            if (bu + gi >= nb) break;
            int w = __shfl_sync(0xffffffffu, v, gi * TPS + k);
            float d = __shfl_sync(0xffffffffu, sd, gi * TPS);
            if (lane < 8) acc = fmaf(d, (float) w, acc);
        }
    } else if constexpr (T == TYPE_Q8_0) { // t = half: lanes 4t..4t+3
        int v0 = __dp4a((int) r.q[0], r.x.x, 0), v1 = __dp4a((int) r.q[1], r.x.y, 0);
        int v2 = __dp4a((int) r.q[2], r.x.z, 0), v3 = __dp4a((int) r.q[3], r.x.w, 0);
        float sd = has ? f16_bits(r.d) * xd[b] : 0.f;
#pragma unroll
        for (int gi = 0; gi < G; gi++) {
            if (bu + gi >= nb) break;
            int s = gi * TPS + (k >> 2);
            int w0 = __shfl_sync(0xffffffffu, v0, s), w1 = __shfl_sync(0xffffffffu, v1, s);
            int w2 = __shfl_sync(0xffffffffu, v2, s), w3 = __shfl_sync(0xffffffffu, v3, s);
            float d = __shfl_sync(0xffffffffu, sd, gi * TPS);
            if (lane < 8) acc = fmaf(d, (float) pick4(w0, w1, w2, w3, k & 3), acc);
        }
    } else { // Q4_0, the CPU engine's order: one integer sum per block, then acc += isum * scale on lane 0
        const int xl[4] = {r.xl.x, r.xl.y, r.xl.z, r.xl.w}, xh[4] = {r.xh.x, r.xh.y, r.xh.z, r.xh.w};
        int isum = 0;
#pragma unroll
        for (int i = 0; i < 4; i++) { // (q - 8) . x = q . x - 8 sum(x)
            isum += __dp4a((int) (r.q[i] & 0x0F0F0F0Fu), xl[i], 0) - 8 * __dp4a(0x01010101, xl[i], 0);
            isum += __dp4a((int) ((r.q[i] >> 4) & 0x0F0F0F0Fu), xh[i], 0) - 8 * __dp4a(0x01010101, xh[i], 0);
        }
        float sd = has ? f16_bits(r.d) * xd[b] : 0.f;
#pragma unroll
        for (int gi = 0; gi < G; gi++) {
            if (bu + gi >= nb) break;
            int w = __shfl_sync(0xffffffffu, isum, gi);
            float d = __shfl_sync(0xffffffffu, sd, gi);
            if (lane == 0) acc = __fadd_rn(acc, __fmul_rn((float) w, d));
        }
    }
}

/**
 * Row . x for a quantized row against its 8-bit activation, in ggml's order (see top); one warp, every lane gets
 * the sum. cols is a multiple of the type's block.
 */
template <int T>
__device__ __forceinline__ float warp_rowdot(const uint8_t* __restrict__ row, int cols, const int8_t* __restrict__ xq,
                                             const float* __restrict__ xd) {
    constexpr int TPS = QTraits<T>::TPS, G = 32 / TPS, U = QTraits<T>::UNROLL;
    int lane = threadIdx.x & 31, g = lane / TPS, t = lane % TPS;
    int nb = cols / QTraits<T>::QK;
    float acc = 0.f, accm = 0.f;
    for (int b0 = 0; b0 < nb; b0 += G * U) {
        Raw<T> raw[U];
#pragma unroll
        for (int u = 0; u < U; u++) {
            int b = b0 + u * G + g;
            if (b < nb) load_task<T>(raw[u], row, b, nb, t, xq, xd);
        }
#pragma unroll
        for (int u = 0; u < U; u++) {
            if (b0 + u * G >= nb) break; // uniform
            fold_pass<T>(raw[u], b0 + u * G, nb, xd, acc, accm);
        }
    }
    // lanes 0..7: ((a0+a4)+(a2+a6))+((a1+a5)+(a3+a7)); Q4_K's min lanes 0..3: (m0+m2)+(m1+m3), added last
    float s8 = acc + __shfl_xor_sync(0xffffffffu, acc, 4);
    s8 += __shfl_xor_sync(0xffffffffu, s8, 2);
    s8 += __shfl_xor_sync(0xffffffffu, s8, 1);
    if (T == TYPE_Q4_K) {
        float s4 = accm + __shfl_xor_sync(0xffffffffu, accm, 2);
        s4 += __shfl_xor_sync(0xffffffffu, s4, 1);
        s8 += __shfl_sync(0xffffffffu, s4, 0);
    }
    return __shfl_sync(0xffffffffu, s8, 0);
}
