package dev.hearth.gguf.llama;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise steps of the Llama forward pass: RMSNorm, RoPE, softmax, SwiGLU, residual add, dot product.
 * Pure functions on float arrays with explicit offsets; vectorised where it pays, with the scalar loop for tails.
 */
public final class LlamaOps {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private LlamaOps() {
    }

    /**
     * {@code out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i]} over {@code n} elements. The sum of squares is
     * accumulated in double, in order, as ggml does: the normalised values then agree with llama.cpp's to the bit,
     * which keeps the 8-bit activation quantisation that follows from rounding differently.
     */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += x[xOff + i] * x[xOff + i];
        float mean = (float) (ss / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * scale * weight[i];
    }

    /**
     * Rotary position embedding in GGUF's layout (llama.cpp's "normal" mode): adjacent pairs {@code (x[2i], x[2i+1])}
     * of each head are rotated by {@code pos * freqScale * base^(-2i/ropeDim)}. Dimensions past {@code ropeDim} stay.
     */
    public static void rope(float[] x, int off, int nHeads, int headDim, int ropeDim, int pos,
                            float freqBase, float freqScale, float[] cos, float[] sin) {
        // cos/sin tables of ropeDim/2 entries for this position, computed once for all heads, in float with the
        // angle advanced by multiplication as ggml does, so positions agree with llama.cpp's to the bit
        float thetaScale = (float) Math.pow(freqBase, -2.0f / ropeDim);
        float theta = pos;
        for (int i = 0; i < ropeDim / 2; i++) {
            float angle = freqScale * theta;
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
            theta *= thetaScale;
        }
        for (int h = 0; h < nHeads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < ropeDim / 2; i++) {
                float x0 = x[base + 2 * i];
                float x1 = x[base + 2 * i + 1];
                x[base + 2 * i] = x0 * cos[i] - x1 * sin[i];
                x[base + 2 * i + 1] = x0 * sin[i] + x1 * cos[i];
            }
        }
    }

    /** In-place softmax of {@code x[off, off+n)}. */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }

    /** SwiGLU: {@code gate[i] = silu(gate[i]) * up[i]}. */
    public static void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** {@code x[i] += y[i]}. */
    public static void add(float[] x, float[] y, int n) {
        int i = 0;
        for (; i <= n - F.length(); i += F.length()) {
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, y, i)).intoArray(x, i);
        }
        for (; i < n; i++) x[i] += y[i];
    }

    /** Dot product of {@code a[aOff, aOff+n)} and {@code b[bOff, bOff+n)}. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        float sum = 0;
        if (n >= F.length()) {
            FloatVector acc = FloatVector.zero(F);
            for (; i <= n - F.length(); i += F.length()) {
                acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /** {@code out[outOff, outOff+n) += w * v[vOff, vOff+n)}. */
    public static void axpy(float[] out, int outOff, float w, float[] v, int vOff, int n) {
        int i = 0;
        if (n >= F.length()) {
            FloatVector wv = FloatVector.broadcast(F, w);
            for (; i <= n - F.length(); i += F.length()) {
                FloatVector.fromArray(F, v, vOff + i).fma(wv, FloatVector.fromArray(F, out, outOff + i))
                        .intoArray(out, outOff + i);
            }
        }
        for (; i < n; i++) out[outOff + i] += w * v[vOff + i];
    }
}
