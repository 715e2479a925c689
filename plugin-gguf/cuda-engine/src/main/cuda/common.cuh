// Shared device helpers for Hearth's GGUF kernels: ggml block layouts read in place, warp reductions.
// Layouts (our own words; see dev.hearth.gguf.quant.*Kernels for the Java twins):
//   Q4_0  18 B / 32:  half d, uint8 qs[16]; w[j] = d*((qs[j]&15)-8), w[j+16] = d*((qs[j]>>4)-8)
//   Q8_0  34 B / 32:  half d, int8 qs[32];  w[j] = d*qs[j]
//   Q4_K 144 B / 256: half d, half dmin, uint8 scales[12], uint8 qs[128]
//   Q6_K 210 B / 256: uint8 ql[128], uint8 qh[64], int8 scales[16], half d
#pragma once
#include <cuda_fp16.h>
#include <stdint.h>

#define TYPE_F32 0
#define TYPE_F16 1
#define TYPE_Q4_0 2
#define TYPE_Q8_0 8
#define TYPE_Q4_K 12
#define TYPE_Q6_K 14
#define TYPE_BF16 30

// Programmatic dependent launch (compute capability 9.0 on; a no-op in the compute_80 build). A decode-step kernel
// launched with it may start while the kernel before it still runs: it lets its own successor start
// (launch_dependents), may prefetch its weights, and must pass grid_wait() before it reads or writes activations.
// The wait returns once the previous kernel has finished and its writes are visible, so the order is kept
// transitively along the step.
__device__ __forceinline__ void grid_overlap() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.launch_dependents;");
#endif
}

__device__ __forceinline__ void grid_wait() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

#ifdef HEARTH_TRACE
// Build variant for trace-decode.sh: the first thread of the first block records the global timer and the first 8
// characters of a name as its kernel passes the wait (the kernel's name) and at each trace_mark, in a ring per
// module (CudaTrace reads them). The time from one mark to the next is that part's share of the step's critical
// path.
#define TRACE_RING 8192
__device__ unsigned long long hearth_trace[2 * TRACE_RING];
__device__ unsigned hearth_trace_count;
__device__ __forceinline__ void trace_mark(const char* name) {
    if (threadIdx.x == 0 && blockIdx.x == 0 && blockIdx.y == 0 && blockIdx.z == 0) {
        unsigned long long t, packed = 0;
        asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
        for (int c = 0; c < 8 && name[c]; c++) packed |= (unsigned long long) (unsigned char) name[c] << (8 * c);
        unsigned i = atomicAdd(&hearth_trace_count, 1) % TRACE_RING;
        hearth_trace[2 * i] = t;
        hearth_trace[2 * i + 1] = packed;
    }
}
__device__ __forceinline__ void grid_wait_traced(const char* kernel) {
    grid_wait();
    trace_mark(kernel);
}
#define grid_wait() grid_wait_traced(__func__)
#else
#define trace_mark(name)
#endif

/** Asks L2 for the bytes [p, p + bytes), one 128-byte line per lane step of a warp (weights read next). */
__device__ __forceinline__ void prefetch_l2(const void* p, long long bytes) {
    uintptr_t a = (uintptr_t) p & ~(uintptr_t) 127, end = (uintptr_t) p + bytes;
    for (a += (threadIdx.x & 31) * 128; a < end; a += 32 * 128) asm volatile("prefetch.global.L2 [%0];" ::"l"(a));
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ float ld_half(const uint8_t* p) {
    unsigned short bits = (unsigned short) (p[0] | (p[1] << 8));
    return __half2float(__ushort_as_half(bits));
}

__device__ __forceinline__ float bf16_to_float(unsigned short bits) {
    return __uint_as_float(((unsigned) bits) << 16);
}

/** Rounds to the nearest F16 value and back, as an F16 KV cache does. */
__device__ __forceinline__ float round_f16(float x) {
    return __half2float(__float2half_rn(x));
}

// Six-bit scale and min of sub-block j (0..7) of a Q4_K block (get_scale_min_k4).
__device__ __forceinline__ void q4k_scale_min(const uint8_t* s, int j, int& sc, int& mn) {
    if (j < 4) {
        sc = s[j] & 63;
        mn = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4);
        mn = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

/** Weight i of a row stored in ggml type T (one element; used by the embedding lookup). */
template <int T>
__device__ __forceinline__ float dequant_one(const uint8_t* row, int i) {
    if (T == TYPE_F32) return ((const float*) row)[i];
    if (T == TYPE_F16) return __half2float(((const __half*) row)[i]);
    if (T == TYPE_BF16) return bf16_to_float(((const unsigned short*) row)[i]);
    if (T == TYPE_Q8_0) {
        const uint8_t* b = row + (i / 32) * 34;
        return ld_half(b) * (float) (int8_t) b[2 + i % 32];
    }
    if (T == TYPE_Q4_0) {
        const uint8_t* b = row + (i / 32) * 18;
        int j = i % 32;
        int q = j < 16 ? (b[2 + j] & 0xF) : (b[2 + j - 16] >> 4);
        return ld_half(b) * (float) (q - 8);
    }
    if (T == TYPE_Q4_K) {
        const uint8_t* b = row + (i / 256) * 144;
        int e = i % 256, c = e / 64, hi = (e % 64) / 32, l = e % 32;
        int sc, mn;
        q4k_scale_min(b + 4, 2 * c + hi, sc, mn);
        int q = hi ? (b[16 + 32 * c + l] >> 4) : (b[16 + 32 * c + l] & 0xF);
        return ld_half(b) * sc * q - ld_half(b + 2) * mn;
    }
    if (T == TYPE_Q6_K) {
        const uint8_t* b = row + (i / 256) * 210;
        int e = i % 256, h = e / 128, k = (e % 128) / 32, l = e % 32;
        int low = b[64 * h + 32 * (k & 1) + l];
        low = k < 2 ? (low & 0xF) : (low >> 4);
        int high = (b[128 + 32 * h + l] >> (2 * k)) & 3;
        return ld_half(b + 208) * (float) (int8_t) b[192 + e / 16] * (float) ((low | (high << 4)) - 32);
    }
    return 0.f;
}
