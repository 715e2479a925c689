// Causal attention of the prompt pass on the tensor cores (mma.sync m16n8k16, F16 inputs, F32 accumulation), over
// the F16 KV cache that rope_rows (prompt.cu) filled for all n positions. The numerics are the decode path's
// (attention.cu): queries are F16 values already, so Q K^T in F16 with F32 sums is the decode dot product in another
// order; the softmax weights are normalised and rounded to F16 before they weight the values, which is why there
// are two passes over the keys (max and sum first), and why P V in F16 with F32 sums is again exact per product.
#include "common.cuh"
#include "mma.cuh"

#define TQ 64     // queries per block: 4 warps x 16
#define TK 64     // keys per tile
#define HPAD 8    // halves of padding per shared row (conflict-free fragment loads)

__device__ __forceinline__ unsigned pack_half2(float lo, float hi) {
    __half2 h = __floats2half2_rn(lo, hi);
    return *(unsigned*) &h;
}

/** Q K^T of this warp's 16 queries and the TK keys in ks: s[j] holds keys 8j + 2tg, +1 of rows g, g + 8. */
template <int DP>
__device__ __forceinline__ void scores(const unsigned (&qa)[DP / 16][4], const __half (*ks)[DP + HPAD], int g,
                                       int tg, float (&s)[TK / 8][4]) {
#pragma unroll
    for (int j = 0; j < TK / 8; j++) {
        s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
#pragma unroll
        for (int kk = 0; kk < DP / 16; kk++) {
            unsigned b[2];
            b[0] = *(const unsigned*) &ks[j * 8 + g][kk * 16 + tg * 2];
            b[1] = *(const unsigned*) &ks[j * 8 + g][kk * 16 + tg * 2 + 8];
            mma16816(s[j], qa[kk], b);
        }
    }
}

/**
 * out row r, head h = softmax(q_r . k_t * scale, t <= pos0 + r) . v_t over the cache. grid (heads, ceil(n/TQ)),
 * 128 threads; head_dim <= DP (a multiple of 16), padded with zeros in shared memory.
 */
template <int DP>
__device__ void attn_tc(const float* __restrict__ q, const __half* __restrict__ kcache,
                        const __half* __restrict__ vcache, float* __restrict__ out, int n, int pos0, int heads,
                        int kv_heads, int head_dim, float scale) {
    __shared__ __align__(16) __half ks[TK][DP + HPAD];   // keys; the queries first
    __shared__ __align__(16) __half vt[DP][TK + HPAD];   // values, transposed: the B operand of P V
    int h = blockIdx.x, r0 = blockIdx.y * TQ;
    int kvh = h / (heads / kv_heads);
    int qd = heads * head_dim, kvd = kv_heads * head_dim;
    int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, tg = lane & 3;

    for (int i = tid; i < TQ * DP; i += 128) {
        int rq = i / DP, d = i % DP;
        float v = r0 + rq < n && d < head_dim ? q[(long long) (r0 + rq) * qd + h * head_dim + d] : 0.f;
        ks[rq][d] = __float2half_rn(v);
    }
    __syncthreads();
    unsigned qa[DP / 16][4];
#pragma unroll
    for (int kk = 0; kk < DP / 16; kk++) {
        int r = warp * 16 + g, c = kk * 16 + tg * 2;
        qa[kk][0] = *(const unsigned*) &ks[r][c];
        qa[kk][1] = *(const unsigned*) &ks[r + 8][c];
        qa[kk][2] = *(const unsigned*) &ks[r][c + 8];
        qa[kk][3] = *(const unsigned*) &ks[r + 8][c + 8];
    }
    int qpos[2] = {pos0 + r0 + warp * 16 + g, pos0 + r0 + warp * 16 + g + 8};
    int warp_last = pos0 + r0 + warp * 16 + 15;    // the last key a query of this warp sees
    int last = pos0 + min(n, r0 + TQ) - 1;         // the last key any query of this block sees
    float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.f, 0.f};
    float o[DP / 8][4];
#pragma unroll
    for (int j = 0; j < DP / 8; j++) o[j][0] = o[j][1] = o[j][2] = o[j][3] = 0.f;

    for (int pass = 0; pass < 2; pass++) {
        for (int t0 = 0; t0 <= last; t0 += TK) {
            __syncthreads();
            for (int i = tid; i < TK * DP; i += 128) {
                int j = i / DP, d = i % DP, t = t0 + j;
                bool ok = t <= last && d < head_dim;
                long long at = (long long) t * kvd + kvh * head_dim + d;
                ks[j][d] = ok ? kcache[at] : __float2half(0.f);
                if (pass) vt[d][j] = ok ? vcache[at] : __float2half(0.f);
            }
            __syncthreads();
            if (t0 > warp_last) continue; // warp-uniform: every key of the tile is in this warp's future
            float s[TK / 8][4];
            scores<DP>(qa, ks, g, tg, s);
#pragma unroll
            for (int j = 0; j < TK / 8; j++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    int t = t0 + j * 8 + tg * 2 + (e & 1);
                    s[j][e] = t <= qpos[e >> 1] ? s[j][e] * scale : -INFINITY;
                }
            if (pass == 0) {
#pragma unroll
                for (int hh = 0; hh < 2; hh++) {
                    float mx = -INFINITY;
#pragma unroll
                    for (int j = 0; j < TK / 8; j++) mx = fmaxf(mx, fmaxf(s[j][2 * hh], s[j][2 * hh + 1]));
                    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
                    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
                    float mn = fmaxf(m[hh], mx);
                    float sum = 0.f;
#pragma unroll
                    for (int j = 0; j < TK / 8; j++) sum += expf(s[j][2 * hh] - mn) + expf(s[j][2 * hh + 1] - mn);
                    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
                    sum += __shfl_xor_sync(0xffffffffu, sum, 2);
                    l[hh] = l[hh] * expf(m[hh] - mn) + sum;
                    m[hh] = mn;
                }
            } else {
#pragma unroll
                for (int kk = 0; kk < TK / 16; kk++) {
                    float p[2][4];
#pragma unroll
                    for (int jj = 0; jj < 2; jj++)
#pragma unroll
                        for (int e = 0; e < 4; e++) {
                            float x = s[2 * kk + jj][e];
                            p[jj][e] = x == -INFINITY ? 0.f : round_f16(expf(x - m[e >> 1]) * l[e >> 1]);
                        }
                    unsigned pa[4] = {pack_half2(p[0][0], p[0][1]), pack_half2(p[0][2], p[0][3]),
                                      pack_half2(p[1][0], p[1][1]), pack_half2(p[1][2], p[1][3])};
#pragma unroll
                    for (int dj = 0; dj < DP / 8; dj++) {
                        unsigned b[2];
                        b[0] = *(const unsigned*) &vt[dj * 8 + g][kk * 16 + tg * 2];
                        b[1] = *(const unsigned*) &vt[dj * 8 + g][kk * 16 + tg * 2 + 8];
                        mma16816(o[dj], pa, b);
                    }
                }
            }
        }
        if (pass == 0) {
            l[0] = 1.f / l[0]; // pass 1 multiplies by the inverse, as attention.cu
            l[1] = 1.f / l[1];
        }
    }
#pragma unroll
    for (int hh = 0; hh < 2; hh++) {
        int r = r0 + warp * 16 + g + hh * 8;
        if (r >= n) continue;
        float* orow = out + (long long) r * qd + h * head_dim;
#pragma unroll
        for (int dj = 0; dj < DP / 8; dj++)
#pragma unroll
            for (int e = 0; e < 2; e++) {
                int d = dj * 8 + tg * 2 + e;
                if (d < head_dim) orow[d] = o[dj][2 * hh + e];
            }
    }
}

#define ATTN_ENTRY(DP)                                                                                            \
    extern "C" __global__ void __launch_bounds__(128)                                                             \
    attn_prompt_##DP(const float* q, const __half* kc, const __half* vc, float* out, int n, int pos0, int heads,  \
                     int kv_heads, int head_dim, float scale) {                                                   \
        attn_tc<DP>(q, kc, vc, out, n, pos0, heads, kv_heads, head_dim, scale);                                   \
    }

ATTN_ENTRY(32)
ATTN_ENTRY(64)
ATTN_ENTRY(128)
