// RoPE of one adjacent pair (GGUF's layout), shared by rope_store, qkv_rope and rope_rows. Float arithmetic step
// for step as the CPU engine's LlamaOps.rope (ggml's CPU RoPE), so GPU and CPU angles agree to the bit: the base
// power advanced by i multiplications rather than a pow per pair, divided by the pair's frequency factor
// (rope_freqs.weight; ones for models without it, and x / 1 is exact), cos and sin of the float angle taken in
// double, the rotation in the fused forms of ggml's x86 build. Explicit _rn intrinsics keep nvcc from contracting.
#pragma once

__device__ __forceinline__ void rope_pair(float x0, float x1, int pos, int i, int rope_dim, float freq_base,
                                          float freq_scale, const float* __restrict__ freq_factors, float& y0,
                                          float& y1) {
    if (2 * i >= rope_dim) { // dimensions past rope_dim stay
        y0 = x0;
        y1 = x1;
        return;
    }
    float theta_scale = (float) pow((double) freq_base, (double) __fdiv_rn(-2.0f, (float) rope_dim));
    float theta = (float) pos;
    for (int j = 0; j < i; j++) theta = __fmul_rn(theta, theta_scale);
    float angle = __fmul_rn(freq_scale, __fdiv_rn(theta, freq_factors[i]));
    float c = (float) cos((double) angle), s = (float) sin((double) angle);
    y0 = __fmaf_rn(x0, c, -__fmul_rn(x1, s));
    y1 = __fmaf_rn(x1, c, __fmul_rn(x0, s));
}
