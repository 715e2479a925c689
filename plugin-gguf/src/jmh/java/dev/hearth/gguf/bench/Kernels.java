package dev.hearth.gguf.bench;

import java.lang.foreign.MemorySegment;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.BF16Kernels;
import dev.hearth.gguf.quant.F16Kernels;
import dev.hearth.gguf.quant.F32Kernels;
import dev.hearth.gguf.quant.Q2_KKernels;
import dev.hearth.gguf.quant.Q3_KKernels;
import dev.hearth.gguf.quant.Q4_0Kernels;
import dev.hearth.gguf.quant.Q4_1Kernels;
import dev.hearth.gguf.quant.Q4_KKernels;
import dev.hearth.gguf.quant.Q5_0Kernels;
import dev.hearth.gguf.quant.Q5_1Kernels;
import dev.hearth.gguf.quant.Q5_KKernels;
import dev.hearth.gguf.quant.Q6_KKernels;
import dev.hearth.gguf.quant.Q8_0Kernels;
import dev.hearth.gguf.quant.Q8_KKernels;
import dev.hearth.gguf.quant.QuantType;

/** The vector or the scalar dot kernel of a type, picked once (QuantType.dot picks by Simd.ENABLED). */
final class Kernels {

    private Kernels() {
    }

    interface Dot {
        float dot(MemorySegment w, long wOffset, Activation x, int n);
    }

    static Dot dot(QuantType type, boolean vector) {
        return switch (type) {
            case F32 -> vector ? (w, o, x, n) -> F32Kernels.dotVector(w, o, x.values(), x.offset(), n)
                    : (w, o, x, n) -> F32Kernels.dotScalar(w, o, x.values(), x.offset(), n);
            case F16 -> vector ? (w, o, x, n) -> F16Kernels.dotVector(w, o, x.values(), x.offset(), n)
                    : (w, o, x, n) -> F16Kernels.dotScalar(w, o, x.values(), x.offset(), n);
            case BF16 -> vector ? (w, o, x, n) -> BF16Kernels.dotVector(w, o, x.values(), x.offset(), n)
                    : (w, o, x, n) -> BF16Kernels.dotScalar(w, o, x.values(), x.offset(), n);
            case Q4_0 -> vector ? (w, o, x, n) -> Q4_0Kernels.dotVector(w, o, x.q8_0(), n)
                    : (w, o, x, n) -> Q4_0Kernels.dotScalar(w, o, x.q8_0(), n);
            case Q4_1 -> vector ? (w, o, x, n) -> Q4_1Kernels.dotVector(w, o, x.q8_0(), n)
                    : (w, o, x, n) -> Q4_1Kernels.dotScalar(w, o, x.q8_0(), n);
            case Q5_0 -> vector ? (w, o, x, n) -> Q5_0Kernels.dotVector(w, o, x.q8_0(), n)
                    : (w, o, x, n) -> Q5_0Kernels.dotScalar(w, o, x.q8_0(), n);
            case Q5_1 -> vector ? (w, o, x, n) -> Q5_1Kernels.dotVector(w, o, x.q8_0(), n)
                    : (w, o, x, n) -> Q5_1Kernels.dotScalar(w, o, x.q8_0(), n);
            case Q8_0 -> vector ? (w, o, x, n) -> Q8_0Kernels.dotVector(w, o, x.q8_0(), n)
                    : (w, o, x, n) -> Q8_0Kernels.dotScalar(w, o, x.q8_0(), n);
            case Q2_K -> vector ? (w, o, x, n) -> Q2_KKernels.dotVector(w, o, x.q8_K(), n)
                    : (w, o, x, n) -> Q2_KKernels.dotScalar(w, o, x.q8_K(), n);
            case Q3_K -> vector ? (w, o, x, n) -> Q3_KKernels.dotVector(w, o, x.q8_K(), n)
                    : (w, o, x, n) -> Q3_KKernels.dotScalar(w, o, x.q8_K(), n);
            case Q4_K -> vector ? (w, o, x, n) -> Q4_KKernels.dotVector(w, o, x.q8_K(), n)
                    : (w, o, x, n) -> Q4_KKernels.dotScalar(w, o, x.q8_K(), n);
            case Q5_K -> vector ? (w, o, x, n) -> Q5_KKernels.dotVector(w, o, x.q8_K(), n)
                    : (w, o, x, n) -> Q5_KKernels.dotScalar(w, o, x.q8_K(), n);
            case Q6_K -> vector ? (w, o, x, n) -> Q6_KKernels.dotVector(w, o, x.q8_K(), n)
                    : (w, o, x, n) -> Q6_KKernels.dotScalar(w, o, x.q8_K(), n);
            case Q8_K -> vector ? (w, o, x, n) -> Q8_KKernels.dotVector(w, o, x.q8_K(), n)
                    : (w, o, x, n) -> Q8_KKernels.dotScalar(w, o, x.q8_K(), n);
        };
    }
}
