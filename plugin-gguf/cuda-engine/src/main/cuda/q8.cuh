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
 * Q8_K block blk of 256 values, value t on thread t of a 256-thread block (every thread calls it): the value of
 * largest magnitude (the first on ties) maps to -127.
 */
__device__ __forceinline__ void q8_k_block(float v, int blk, int8_t* __restrict__ xq, float* __restrict__ xd) {
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
    int i = blk * 256 + t;
    if (best == 0.f) {
        xq[i] = 0;
        if (t == 0) xd[blk] = 0.f;
        return;
    }
    float iscale = -127.f / m;
    xq[i] = (int8_t) min(127, __float2int_rn(iscale * v));
    if (t == 0) xd[blk] = 1.f / iscale;
}
