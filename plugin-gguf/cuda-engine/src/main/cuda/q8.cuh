// Activation quantization steps shared by quantize.cu and rmsnorm.cu (formats: see quantize.cu), so a value
// quantized in either launch gets the same quants and scale.
#pragma once
#include "common.cuh"

/** Q8_0 of the 32 values of a warp, element i on each lane (i / 32 the block). */
__device__ __forceinline__ void q8_0_warp(float v, int i, int8_t* __restrict__ xq, float* __restrict__ xd) {
    float amax = warp_max(fabsf(v));
    float d = amax / 127.f;
    float id = d != 0.f ? 1.f / d : 0.f;
    xq[i] = (int8_t) __float2int_rn(v * id);
    if ((threadIdx.x & 31) == 0) xd[i / 32] = round_f16(d);
}

/**
 * Where value t (0..255) of a Q8_K block lies in the block's quants: lane-major, the order the decode products read
 * (rowdot.cuh). Value t is position 4k + e (e < 4) of the 32-value run j = t / 32; ggml's x86 lane k of the block
 * takes positions 4k..4k+3 of every run, so its eight words (runs 0..7) are stored together: byte 32k + 4j + e.
 */
__device__ __forceinline__ int q8_k_lane_major(int t) {
    return ((t >> 2) & 7) * 32 + (t >> 5) * 4 + (t & 3);
}

/** The run sums of a Q8_K activation of nb blocks: after the scales, from an 8-byte boundary (read as int2). */
__device__ __forceinline__ int* q8_k_run_sums(const float* xd, int nb) {
    return (int*) (xd + ((nb + 1) & ~1));
}

/**
 * Q8_K block blk (of nb) of 256 values, value t on thread t of a 256-thread block (every thread calls it): the value
 * of largest magnitude (the first on ties) maps to -127. The quants go to xq in lane-major order; xd holds the nb
 * block scales, then (q8_k_run_sums) for each block the sums of the quants of its eight 32-value runs (int, for
 * Q4_K's min term).
 */
__device__ __forceinline__ void q8_k_block(float v, int blk, int nb, int8_t* __restrict__ xq,
                                           float* __restrict__ xd) {
    __shared__ float mv[8], ms[8];
    __shared__ int mi[8];
    int t = threadIdx.x;
    float a = fabsf(v), s = v;
    int idx = t;
    for (int o = 16; o > 0; o >>= 1) {
        float oa = __shfl_xor_sync(0xffffffffu, a, o), os = __shfl_xor_sync(0xffffffffu, s, o);
        int oi = __shfl_xor_sync(0xffffffffu, idx, o);
        if (oa > a || (oa == a && oi < idx)) { a = oa; idx = oi; s = os; }
    }
    if ((t & 31) == 0) { mv[t >> 5] = a; mi[t >> 5] = idx; ms[t >> 5] = s; }
    __syncthreads();
    float best = mv[0], m = ms[0];
    int bi = mi[0];
    for (int w = 1; w < 8; w++) {
        if (mv[w] > best || (mv[w] == best && mi[w] < bi)) { best = mv[w]; bi = mi[w]; m = ms[w]; }
    }
    int q = best == 0.f ? 0 : min(127, __float2int_rn(-127.f / m * v));
    xq[blk * 256 + q8_k_lane_major(t)] = (int8_t) q;
    if (t == 0) xd[blk] = best == 0.f ? 0.f : 1.f / (-127.f / m);
    int run = q; // warp w holds run w
    for (int o = 16; o > 0; o >>= 1) run += __shfl_xor_sync(0xffffffffu, run, o);
    if ((t & 31) == 0) q8_k_run_sums(xd, nb)[blk * 8 + (t >> 5)] = run;
}
