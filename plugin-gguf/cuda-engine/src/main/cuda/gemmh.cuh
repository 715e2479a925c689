// The prompt pass's products for F16 weights (included by prompt.cu only).
//
// gemmh<BM, BN> computes the same function as prompt.cu's gemm<TYPE_F16, false>, to the bit: each output is the
// same chain of mma.sync m16n8k16 F16 x F16 -> F32 steps over K in order. Both operands are K-contiguous F16 rows
// (the activation and the GGUF weight rows), so tiles go from global to shared memory with cp.async as they are,
// STAGES deep, and into fragments with ldmatrix; 16-byte chunks are XOR-swizzled within each 64-byte tile row so
// that the 8 rows of an ldmatrix hit distinct banks without padding. Block: WM x WN warps of BM/WM x BN/WN (larger
// warp tiles read fewer fragment bytes from shared memory per product).
//
// Layout requirements (CudaPrompt checks them, else it runs gemm<TYPE_F16, false>): K % 32 == 0, ldx % 8 == 0, W and
// X 16-byte aligned.
#pragma once
#include "common.cuh"
#include "mma.cuh"

#define HBK 32  // K per stage: 64-byte rows of 4 chunks

/** Byte offset of 16-byte chunk c (0..3) of row r in a swizzled tile of 64-byte rows. */
__device__ __forceinline__ int swz(int r, int c) {
    return r * 64 + ((c ^ ((r >> 1) & 3)) << 4);
}

/** Block column bx (of ceil(N / BN)) and block row blockIdx.y of C (+)= X W^T; 32 * WM * WN threads. */
template <int BM, int BN, int WM, int WN>
__device__ void gemmh(const __half* __restrict__ X, int ldx, int M, const __half* __restrict__ W, int N, int K,
                      float* __restrict__ C, int ldc, int accumulate, int bx) {
    constexpr int STAGES = 49152 / ((BM + BN) * 64) < 4 ? 49152 / ((BM + BN) * 64) : 4;
    constexpr int THREADS = 32 * WM * WN;
    constexpr int TM = BM / WM, TN = BN / WN;   // warp tile
    constexpr int MI = TM / 16, NJ = TN / 8;    // m16 and n8 tiles per warp
    static_assert(MI >= 1 && NJ % 2 == 0, "warp tile: 16 x 16 at least");
    __shared__ __align__(128) uint8_t As[STAGES][BM * 64];
    __shared__ __align__(128) uint8_t Bs[STAGES][BN * 64];
    int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    int g = lane >> 2, tg = lane & 3;
    int wm = warp % WM, wn = warp / WM;
    int n0 = bx * BN, m0 = blockIdx.y * BM;
    int nk = K / HBK;

    auto copy = [&](int kt) {
        int buf = kt % STAGES;
        for (int c = tid; c < BM * 4; c += THREADS) {
            int r = c >> 2, part = c & 3;
            cp_async<16>(&As[buf][swz(r, part)], X + (long long) min(m0 + r, M - 1) * ldx + kt * HBK + part * 8);
        }
        for (int c = tid; c < BN * 4; c += THREADS) {
            int r = c >> 2, part = c & 3;
            cp_async<16>(&Bs[buf][swz(r, part)], W + (long long) min(n0 + r, N - 1) * K + kt * HBK + part * 8);
        }
    };

    float acc[MI][NJ][4];
#pragma unroll
    for (int i = 0; i < MI; i++)
#pragma unroll
        for (int j = 0; j < NJ; j++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[i][j][e] = 0.f;

#pragma unroll
    for (int s = 0; s < STAGES - 1; s++) {
        if (s < nk) copy(s);
        cp_async_commit();
    }
    for (int kt = 0; kt < nk; kt++) {
        cp_async_wait<STAGES - 2>();
        __syncthreads();
        // the buffer of stage kt - 1, which every warp has finished with
        if (kt + STAGES - 1 < nk) copy(kt + STAGES - 1);
        cp_async_commit();
        const uint8_t* as = As[kt % STAGES];
        const uint8_t* bs = Bs[kt % STAGES];
#pragma unroll
        for (int ks = 0; ks < 2; ks++) {
            unsigned a[MI][4], b[NJ][2];
#pragma unroll
            for (int i = 0; i < MI; i++)
                ldmatrix_x4(a[i], as + swz(wm * TM + i * 16 + (lane & 15), 2 * ks + (lane >> 4)));
#pragma unroll
            for (int j = 0; j < NJ; j += 2) {
                unsigned r[4];
                ldmatrix_x4(r, bs + swz(wn * TN + j * 8 + (lane & 7) + 8 * (lane >> 4),
                                        2 * ks + ((lane >> 3) & 1)));
                b[j][0] = r[0], b[j][1] = r[1], b[j + 1][0] = r[2], b[j + 1][1] = r[3];
            }
#pragma unroll
            for (int i = 0; i < MI; i++)
#pragma unroll
                for (int j = 0; j < NJ; j++) mma16816(acc[i][j], a[i], b[j]);
        }
    }

#pragma unroll
    for (int i = 0; i < MI; i++) {
#pragma unroll
        for (int j = 0; j < NJ; j++) {
            int col = n0 + wn * TN + j * 8 + tg * 2;
            store_tile(C, ldc, M, N, m0 + wm * TM + i * 16 + g, col, acc[i][j], accumulate);
        }
    }
}
