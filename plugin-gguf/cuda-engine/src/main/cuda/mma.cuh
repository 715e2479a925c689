// The tensor-core steps of the prompt kernels (mma.sync; fragment layouts as PTX ISA "Matrix Fragments for
// mma.m16n8k16" and "mma.m16n8k32") and their shared-memory staging (cp.async, ldmatrix).
#pragma once

/** c (16x8, F32) += a (16x16, F16, row) b (16x8, F16, col). */
__device__ __forceinline__ void mma16816(float* c, const unsigned* a, const unsigned* b) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

/**
 * Stores this lane's four values of an m16n8 F32 accumulator tile (rows m and m + 8, columns col and col + 1, as
 * the fragment layout places them) into row-major C, clipped to M x N; accumulate adds to what C holds.
 */
__device__ __forceinline__ void store_tile(float* C, int ldc, int M, int N, int m, int col, const float* acc,
                                           int accumulate) {
#pragma unroll
    for (int hh = 0; hh < 2; hh++) {
        if (m + hh * 8 >= M) continue;
        float* crow = C + (long long) (m + hh * 8) * ldc;
#pragma unroll
        for (int e = 0; e < 2; e++) {
            int jj = col + e;
            if (jj < N) crow[jj] = accumulate ? crow[jj] + acc[hh * 2 + e] : acc[hh * 2 + e];
        }
    }
}

template <int BYTES>
__device__ __forceinline__ void cp_async(void* smem, const void* gmem) {
    unsigned s = (unsigned) __cvta_generic_to_shared(smem);
    if (BYTES == 16) {
        asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(gmem) : "memory");
    } else {
        asm volatile("cp.async.ca.shared.global [%0], [%1], %2;\n" ::"r"(s), "l"(gmem), "n"(BYTES) : "memory");
    }
}

__device__ __forceinline__ void cp_async_commit() {
    asm volatile("cp.async.commit_group;\n" ::: "memory");
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
}

/** Four 8x8 b16 matrices (here 8 rows x 16 int8): lane l gives the address of row l % 8 of matrix l / 8. */
__device__ __forceinline__ void ldmatrix_x4(unsigned* r, const void* smem) {
    unsigned s = (unsigned) __cvta_generic_to_shared(smem);
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}

/**
 * c = a (16x32 s8, row) b (32x8 s8, col) as F32: the exact s32 sums, accumulated onto the bits of 1.5 * 2^23 so that
 * each sum t (|t| < 2^22) reads as the float 1.5 * 2^23 + t, from which one exact subtraction gives t (an integer
 * to float conversion runs at a quarter of the float rate); fragment layouts as PTX ISA "mma.m16n8k32".
 */
__device__ __forceinline__ void mma_s8_k32(float* c, const unsigned* a, const unsigned* b) {
    int d[4];
    asm("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%10,%10,%10};\n"
        : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(0x4B400000));
#pragma unroll
    for (int e = 0; e < 4; e++) c[e] = __int_as_float(d[e]) - 12582912.f;
}

/** As mma_s8_k32 for a (16x16 s8, row) b (16x8 s8, col) ("mma.m16n8k16" with .s8). */
__device__ __forceinline__ void mma_s8_k16(float* c, const unsigned* a, unsigned b) {
    int d[4];
    asm("mma.sync.aligned.m16n8k16.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%7,%7,%7,%7};\n"
        : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(b), "r"(0x4B400000));
#pragma unroll
    for (int e = 0; e < 4; e++) c[e] = __int_as_float(d[e]) - 12582912.f;
}
