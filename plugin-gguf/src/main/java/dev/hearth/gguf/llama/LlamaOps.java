package dev.hearth.gguf.llama;

import dev.hearth.gguf.quant.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
     * of each head are rotated by {@code pos * freqScale * base^(-2i/ropeDim) / freqFactors[i]} (llama.cpp's
     * {@code ggml_rope_ext}; {@code freqFactors} is {@code rope_freqs.weight}, null for none). Dimensions past
     * {@code ropeDim} stay. {@link #ropeTable} and {@link #rotate} in one call.
     */
    public static void rope(float[] x, int off, int nHeads, int headDim, int ropeDim, int pos,
                            float freqBase, float freqScale, float[] freqFactors, float[] cos, float[] sin) {
        ropeTable(pos, ropeDim, freqBase, freqScale, freqFactors, cos, sin);
        rotate(x, off, off, off + nHeads * headDim, headDim, ropeDim, cos, sin);
    }

    /**
     * The cosines and sines of {@link #rope}'s angles at position {@code pos}, {@code ropeDim/2} of each: the same for
     * every head and layer. Computed in float with the angle advanced by multiplication as ggml does, so that
     * positions agree with llama.cpp's to the bit.
     */
    public static void ropeTable(int pos, int ropeDim, float freqBase, float freqScale, float[] freqFactors,
                                 float[] cos, float[] sin) {
        float thetaScale = (float) Math.pow(freqBase, -2.0f / ropeDim);
        float theta = pos;
        for (int i = 0; i < ropeDim / 2; i++) {
            float angle = freqScale * (freqFactors == null ? theta : theta / freqFactors[i]);
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
            theta *= thetaScale;
        }
    }

    /**
     * {@link #rope}'s rotation of the elements {@code x[from, to)} of heads laid out from {@code x[off]} on, with a
     * table from {@link #ropeTable}: any split of the heads into ranges at even offsets gives the same values.
     */
    public static void rotate(float[] x, int off, int from, int to, int headDim, int ropeDim, float[] cos, float[] sin) {
        if ((from - off) % 2 != 0 || (to - off) % 2 != 0) {
            throw new IllegalArgumentException("rotary range " + (from - off) + ".." + (to - off)
                    + " splits a pair: expected even offsets");
        }
        for (int e = from; e < to; ) {
            int head = e - (e - off) % headDim; // the first element of e's head
            int end = Math.min(to, head + headDim);
            for (int k = e; k < Math.min(end, head + ropeDim); k += 2) {
                int i = (k - head) / 2;
                float x0 = x[k];
                float x1 = x[k + 1];
                // the fused forms ggml's x86 build compiles these two lines to (FMA contraction)
                x[k] = Math.fma(x0, cos[i], -(x1 * sin[i]));
                x[k + 1] = Math.fma(x1, cos[i], x0 * sin[i]);
            }
            e = end;
        }
    }

    /**
     * In-place softmax of {@code x[off, off+n)} as ggml computes it on x86: the exponentials with {@link #expf},
     * summed in groups of 16 as a tree ({@link #sum16}), the group sums in double, then scaled by
     * {@code (float) (1 / sum)}.
     */
    public static void softmax(float[] x, int off, int n) {
        int vectors = F.loopBound(n);
        // the maximum and the scaling are exact in any order: vectors, then the tail
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vectors; i += F.length()) mv = mv.max(FloatVector.fromArray(F, x, off + i));
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (int i = vectors; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector m = FloatVector.broadcast(F, max);
        for (int i = 0; i < vectors; i += F.length()) {
            expf(FloatVector.fromArray(F, x, off + i).sub(m)).intoArray(x, off + i);
        }
        for (int i = vectors; i < n; i++) x[off + i] = expf(x[off + i] - max);
        double sum = 0;
        for (int c = 0; c < n; c += 16) sum += sum16(x, off + c, Math.min(16, n - c));
        float inv = (float) (1.0 / sum);
        FloatVector iv = FloatVector.broadcast(F, inv);
        for (int i = 0; i < vectors; i += F.length()) {
            FloatVector.fromArray(F, x, off + i).mul(iv).intoArray(x, off + i);
        }
        for (int i = vectors; i < n; i++) x[off + i] *= inv;
    }

    /**
     * SwiGLU over {@code [from, to)}: {@code gate[i] = silu(gate[i]) * up[i]} with {@code silu(g) = g / (1 +
     * expf(-g))}, {@link #expf} being ggml's exponential. Any split of a range gives the same values: the vector and
     * scalar steps compute the same to the bit.
     */
    public static void swiglu(float[] gate, float[] up, int from, int to) {
        int i = from;
        for (; i <= to - F.length(); i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            g.div(expf(g.neg()).add(1f)).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (; i < to; i++) {
            float g = gate[i];
            gate[i] = g / (1f + expf(-g)) * up[i];
        }
    }

    // ---------------------------------------------------------------- ggml's exponential
    // exp(x) = 2^n * e^b with n = round(x / ln2) and b = x - n ln2 (ln2 in two parts, so b is nearly exact), e^b
    // by a degree-5 polynomial evaluated with fused multiply-adds. Its results differ from Math.exp in the last
    // bit or two; llama.cpp uses it for softmax and SiLU, and a last-bit difference there changes an 8-bit
    // activation now and then, so we use the same formula to agree with its logits.
    private static final float ROUND = 0x1.8p23f;
    private static final float LOG2E = 0x1.715476p+0f;
    private static final float LN2_HI = 0x1.62e4p-1f;
    private static final float LN2_LO = 0x1.7f7d1cp-20f;
    private static final float P1 = 0x1.ffffecp-1f;
    private static final float P2 = 0x1.fffdb6p-2f;
    private static final float P3 = 0x1.555e66p-3f;
    private static final float P4 = 0x1.573e2ep-5f;
    private static final float P5 = 0x1.0e4020p-7f;
    /** Past this |n| the result is 0 or infinity. */
    private static final float N_LIMIT = 192f;

    /** ggml's vector exponential, one value: the scalar twin of {@link #expf(FloatVector)}, equal to the bit. */
    static float expf(float x) {
        float n = Math.fma(x, LOG2E, ROUND) - ROUND;
        float b = Math.fma(-n, LN2_LO, Math.fma(-n, LN2_HI, x));
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(P5, b, P4), u, Math.fma(P3, b, P2)), u, Math.fma(P1, b, 1f));
        if (Math.abs(n) > N_LIMIT) {
            return n > 0f ? Float.POSITIVE_INFINITY : 0f;
        }
        // j * 2^n in two exact powers of two: the first product is exact, the second rounds once
        int ni = (int) n;
        int a = ni >> 1;
        return j * Float.intBitsToFloat(a + 127 << 23) * Float.intBitsToFloat(ni - a + 127 << 23);
    }

    /** ggml's vector exponential, lane by lane (see {@link #expf(float)}). */
    static FloatVector expf(FloatVector x) {
        FloatVector n = x.fma(LOG2E, ROUND).sub(ROUND);
        FloatVector negN = n.neg();
        FloatVector b = negN.fma(x.broadcast(LN2_LO), negN.fma(x.broadcast(LN2_HI), x));
        FloatVector u = b.mul(b);
        FloatVector p = x.broadcast(P5).fma(b, x.broadcast(P4));
        p = p.fma(u, x.broadcast(P3).fma(b, x.broadcast(P2)));
        FloatVector j = p.fma(u, x.broadcast(P1).fma(b, x.broadcast(1f)));
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector a = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector pa = a.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector pb = ni.sub(a).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector r = j.mul(pa).mul(pb);
        VectorMask<Float> out = n.abs().compare(VectorOperators.GT, N_LIMIT);
        if (out.anyTrue()) {
            FloatVector alt = x.broadcast(0f).blend(Float.POSITIVE_INFINITY, n.compare(VectorOperators.GT, 0f));
            r = r.blend(alt, out);
        }
        return r;
    }

    /**
     * The sum of {@code x[off, off+len)}, {@code len <= 16}, padded with zeros to 16 lanes and added as the
     * AVX-512 horizontal sum does: {@code t_i = v_i + v_{i+8}}, {@code s_i = t_i + t_{i+4}},
     * {@code (s_0 + s_2) + (s_1 + s_3)}.
     */
    static float sum16(float[] x, int off, int len) {
        float s0 = quad16(x, off, len, 0);
        float s1 = quad16(x, off, len, 1);
        float s2 = quad16(x, off, len, 2);
        float s3 = quad16(x, off, len, 3);
        return (s0 + s2) + (s1 + s3);
    }

    /** {@code s_i = (v_i + v_{i+8}) + (v_{i+4} + v_{i+12})} of {@link #sum16}. */
    private static float quad16(float[] x, int off, int len, int i) {
        return (at(x, off, len, i) + at(x, off, len, i + 8)) + (at(x, off, len, i + 4) + at(x, off, len, i + 12));
    }

    private static float at(float[] x, int off, int len, int i) {
        return i < len ? x[off + i] : 0f;
    }

    /** {@code x[i] += y[i]} over {@code [from, to)}. */
    public static void add(float[] x, float[] y, int from, int to) {
        int i = from;
        for (; i <= to - F.length(); i += F.length()) {
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, y, i)).intoArray(x, i);
        }
        for (; i < to; i++) x[i] += y[i];
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
            sum = Simd.sumLanes(acc);
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

    // ---------------------------------------------------------------- attention products in ggml's order
    // With an F16 KV cache llama.cpp (x86, AVX-512) multiplies in 16 float lanes: element k of the sum goes to
    // lane k mod 16 by fused multiply-add, and the lanes are added as the AVX-512 horizontal sum ({@link #sum16}).

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    /** Dot product in 16 lanes (two 8-lane halves), {@code n} a multiple of 16, reduced as {@link #sum16}. */
    public static float dot16(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector lo = FloatVector.zero(F8);
        FloatVector hi = FloatVector.zero(F8);
        for (int i = 0; i < n; i += 16) {
            lo = FloatVector.fromArray(F8, a, aOff + i).fma(FloatVector.fromArray(F8, b, bOff + i), lo);
            hi = FloatVector.fromArray(F8, a, aOff + i + 8).fma(FloatVector.fromArray(F8, b, bOff + i + 8), hi);
        }
        FloatVector t = lo.add(hi); // t_i = v_i + v_{i+8}
        float s0 = t.lane(0) + t.lane(4);
        float s1 = t.lane(1) + t.lane(5);
        float s2 = t.lane(2) + t.lane(6);
        float s3 = t.lane(3) + t.lane(7);
        return (s0 + s2) + (s1 + s3);
    }

    /**
     * {@code out[outOff + d] = sum_t w[wOff + t] * v[vOff + t * stride + d]} for {@code t < nT}, {@code d < n}
     * ({@code n} a multiple of 16), with position {@code t} in lane {@code t mod 16}: each lane collects its positions
     * by fused multiply-add in order, and the lanes are added as {@link #sum16}. Vectorised over {@code d}; the lane
     * sums stay in registers, eight lanes a pass: the even lanes give {@code s0 + s2} of {@link #sum16}'s tree, the
     * odd ones {@code s1 + s3} (a pass over all 16 would spill, and sums kept in memory cost a store per product).
     */
    public static void weightedSum16(float[] out, int outOff, float[] w, int wOff, int nT, float[] v, int vOff,
                                     int stride, int n) {
        int lanes = F.length();
        int d = 0;
        if (lanes >= 16) {
            // 512-bit vectors come with 32 registers: the sums of two output vectors fit
            for (; d + 2 * lanes <= n; d += 2 * lanes) {
                laneSumPairs(w, wOff, nT, v, vOff + d, stride, 0, out, outOff + d);
                laneSumPairs(w, wOff, nT, v, vOff + d, stride, 1, out, outOff + d);
            }
        }
        for (; d < n; d += lanes) {
            laneSums(w, wOff, nT, v, vOff + d, stride, 0, out, outOff + d);
            laneSums(w, wOff, nT, v, vOff + d, stride, 1, out, outOff + d);
        }
    }

    /**
     * {@link #laneSums} for two output vectors side by side ({@code vOff} and {@code vOff + L}), each summed exactly
     * as there: each position's weight is broadcast once for both, and the loop's bounds checks and offsets, one per
     * strided load (the stride is not a constant, so C2 keeps them in the loop), serve two multiply-adds. One Zen 5
     * thread, 32 heads over 512 positions (2026-11-27): 81-89 us against 136-145.
     */
    private static void laneSumPairs(float[] w, int wOff, int nT, float[] v, int vOff, int stride, int parity,
                                     float[] out, int outOff) {
        int lanes = F.length();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        int s2 = 2 * stride;
        int full = nT & ~15;
        // written out rather than through a helper: past C2's inlining budget the vectors would be boxed
        for (int t = parity; t < full; t += 16) {
            int p = vOff + t * stride;
            int q = wOff + t;
            FloatVector w0 = FloatVector.broadcast(F, w[q]);
            a0 = FloatVector.fromArray(F, v, p).fma(w0, a0);
            b0 = FloatVector.fromArray(F, v, p + lanes).fma(w0, b0);
            p += s2;
            FloatVector w1 = FloatVector.broadcast(F, w[q + 2]);
            a1 = FloatVector.fromArray(F, v, p).fma(w1, a1);
            b1 = FloatVector.fromArray(F, v, p + lanes).fma(w1, b1);
            p += s2;
            FloatVector w2 = FloatVector.broadcast(F, w[q + 4]);
            a2 = FloatVector.fromArray(F, v, p).fma(w2, a2);
            b2 = FloatVector.fromArray(F, v, p + lanes).fma(w2, b2);
            p += s2;
            FloatVector w3 = FloatVector.broadcast(F, w[q + 6]);
            a3 = FloatVector.fromArray(F, v, p).fma(w3, a3);
            b3 = FloatVector.fromArray(F, v, p + lanes).fma(w3, b3);
            p += s2;
            FloatVector w4 = FloatVector.broadcast(F, w[q + 8]);
            a4 = FloatVector.fromArray(F, v, p).fma(w4, a4);
            b4 = FloatVector.fromArray(F, v, p + lanes).fma(w4, b4);
            p += s2;
            FloatVector w5 = FloatVector.broadcast(F, w[q + 10]);
            a5 = FloatVector.fromArray(F, v, p).fma(w5, a5);
            b5 = FloatVector.fromArray(F, v, p + lanes).fma(w5, b5);
            p += s2;
            FloatVector w6 = FloatVector.broadcast(F, w[q + 12]);
            a6 = FloatVector.fromArray(F, v, p).fma(w6, a6);
            b6 = FloatVector.fromArray(F, v, p + lanes).fma(w6, b6);
            p += s2;
            FloatVector w7 = FloatVector.broadcast(F, w[q + 14]);
            a7 = FloatVector.fromArray(F, v, p).fma(w7, a7);
            b7 = FloatVector.fromArray(F, v, p + lanes).fma(w7, b7);
        }
        // the last positions, fewer than 16
        int t = full + parity;
        int p = vOff + t * stride;
        int q = wOff + t;
        if (t < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q]);
            a0 = FloatVector.fromArray(F, v, p).fma(wk, a0);
            b0 = FloatVector.fromArray(F, v, p + lanes).fma(wk, b0);
        }
        if (t + 2 < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q + 2]);
            a1 = FloatVector.fromArray(F, v, p + s2).fma(wk, a1);
            b1 = FloatVector.fromArray(F, v, p + s2 + lanes).fma(wk, b1);
        }
        if (t + 4 < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q + 4]);
            a2 = FloatVector.fromArray(F, v, p + 2 * s2).fma(wk, a2);
            b2 = FloatVector.fromArray(F, v, p + 2 * s2 + lanes).fma(wk, b2);
        }
        if (t + 6 < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q + 6]);
            a3 = FloatVector.fromArray(F, v, p + 3 * s2).fma(wk, a3);
            b3 = FloatVector.fromArray(F, v, p + 3 * s2 + lanes).fma(wk, b3);
        }
        if (t + 8 < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q + 8]);
            a4 = FloatVector.fromArray(F, v, p + 4 * s2).fma(wk, a4);
            b4 = FloatVector.fromArray(F, v, p + 4 * s2 + lanes).fma(wk, b4);
        }
        if (t + 10 < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q + 10]);
            a5 = FloatVector.fromArray(F, v, p + 5 * s2).fma(wk, a5);
            b5 = FloatVector.fromArray(F, v, p + 5 * s2 + lanes).fma(wk, b5);
        }
        if (t + 12 < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q + 12]);
            a6 = FloatVector.fromArray(F, v, p + 6 * s2).fma(wk, a6);
            b6 = FloatVector.fromArray(F, v, p + 6 * s2 + lanes).fma(wk, b6);
        }
        if (t + 14 < nT) {
            FloatVector wk = FloatVector.broadcast(F, w[q + 14]);
            a7 = FloatVector.fromArray(F, v, p + 7 * s2).fma(wk, a7);
            b7 = FloatVector.fromArray(F, v, p + 7 * s2 + lanes).fma(wk, b7);
        }
        FloatVector sa = a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7)));
        FloatVector sb = b0.add(b4).add(b2.add(b6)).add(b1.add(b5).add(b3.add(b7)));
        if (parity == 1) {
            sa = FloatVector.fromArray(F, out, outOff).add(sa);
            sb = FloatVector.fromArray(F, out, outOff + lanes).add(sb);
        }
        sa.intoArray(out, outOff);
        sb.intoArray(out, outOff + lanes);
    }

    /**
     * For lanes {@code c = parity, parity + 2, .., parity + 14} the sums {@code a_c} of {@code w[t] v[t]} over the
     * positions {@code t = c mod 16}, then {@code s_parity + s_(parity + 2)} of {@link #sum16}'s tree:
     * {@code ((a_p + a_(p+8)) + (a_(p+4) + a_(p+12))) + ((a_(p+2) + a_(p+10)) + (a_(p+6) + a_(p+14)))}, stored to
     * {@code out} (even lanes) or added to what the even lanes stored (odd lanes). It stores rather than returns: a
     * vector returned from a call that is not inlined is boxed.
     */
    private static void laneSums(float[] w, int wOff, int nT, float[] v, int vOff, int stride, int parity,
                                 float[] out, int outOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int s = stride;
        int full = nT & ~15;
        // written out rather than through a helper: past C2's inlining budget the vectors would be boxed
        for (int t = parity; t < full; t += 16) {
            int p = vOff + t * s;
            int q = wOff + t;
            a0 = FloatVector.fromArray(F, v, p).fma(FloatVector.broadcast(F, w[q]), a0);
            a1 = FloatVector.fromArray(F, v, p + 2 * s).fma(FloatVector.broadcast(F, w[q + 2]), a1);
            a2 = FloatVector.fromArray(F, v, p + 4 * s).fma(FloatVector.broadcast(F, w[q + 4]), a2);
            a3 = FloatVector.fromArray(F, v, p + 6 * s).fma(FloatVector.broadcast(F, w[q + 6]), a3);
            a4 = FloatVector.fromArray(F, v, p + 8 * s).fma(FloatVector.broadcast(F, w[q + 8]), a4);
            a5 = FloatVector.fromArray(F, v, p + 10 * s).fma(FloatVector.broadcast(F, w[q + 10]), a5);
            a6 = FloatVector.fromArray(F, v, p + 12 * s).fma(FloatVector.broadcast(F, w[q + 12]), a6);
            a7 = FloatVector.fromArray(F, v, p + 14 * s).fma(FloatVector.broadcast(F, w[q + 14]), a7);
        }
        // the last positions, fewer than 16
        int t = full + parity;
        int p = vOff + t * s;
        int q = wOff + t;
        if (t < nT) a0 = FloatVector.fromArray(F, v, p).fma(FloatVector.broadcast(F, w[q]), a0);
        if (t + 2 < nT) a1 = FloatVector.fromArray(F, v, p + 2 * s).fma(FloatVector.broadcast(F, w[q + 2]), a1);
        if (t + 4 < nT) a2 = FloatVector.fromArray(F, v, p + 4 * s).fma(FloatVector.broadcast(F, w[q + 4]), a2);
        if (t + 6 < nT) a3 = FloatVector.fromArray(F, v, p + 6 * s).fma(FloatVector.broadcast(F, w[q + 6]), a3);
        if (t + 8 < nT) a4 = FloatVector.fromArray(F, v, p + 8 * s).fma(FloatVector.broadcast(F, w[q + 8]), a4);
        if (t + 10 < nT) a5 = FloatVector.fromArray(F, v, p + 10 * s).fma(FloatVector.broadcast(F, w[q + 10]), a5);
        if (t + 12 < nT) a6 = FloatVector.fromArray(F, v, p + 12 * s).fma(FloatVector.broadcast(F, w[q + 12]), a6);
        if (t + 14 < nT) a7 = FloatVector.fromArray(F, v, p + 14 * s).fma(FloatVector.broadcast(F, w[q + 14]), a7);
        FloatVector sums = a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7)));
        if (parity == 1) sums = FloatVector.fromArray(F, out, outOff).add(sums);
        sums.intoArray(out, outOff);
    }
}
