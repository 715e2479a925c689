package dev.hearth.gguf.llama;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A query's scores against a run of cached keys, each equal to the bit to {@link LlamaOps#dot16} times the scale:
 * four keys at a time share every load of the query, and their sixteen-lane sums are reduced together by
 * shuffles that add the same pairs in the same order as {@link LlamaOps#dot16}'s lane by lane reduction (eight
 * lane extractions per key, which took more time than the multiply-adds).
 */
public final class AttentionScores {

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** Level 1, lanes {@code j} and {@code j + 4} of two keys' 8-lane sums: the low and the high halves side by side. */
    private static final FloatVector LOW_HALVES = indexes(0, 1, 2, 3, 8, 9, 10, 11);
    private static final FloatVector HIGH_HALVES = indexes(4, 5, 6, 7, 12, 13, 14, 15);
    /** Level 2, sums {@code s0 + s2} and {@code s1 + s3} of four keys. */
    private static final FloatVector FIRST_PAIRS = indexes(0, 1, 8, 9, 4, 5, 12, 13);
    private static final FloatVector SECOND_PAIRS = indexes(2, 3, 10, 11, 6, 7, 14, 15);
    /** Level 3, {@code (s0 + s2) + (s1 + s3)} of four keys, which come out in the order 0 2 1 3. */
    private static final FloatVector EVENS = indexes(0, 2, 4, 6, 8, 10, 12, 14);
    private static final FloatVector ODDS = indexes(1, 3, 5, 7, 9, 11, 13, 15);
    private static final FloatVector KEY_ORDER = indexes(0, 2, 1, 3, 4, 6, 5, 7);

    private AttentionScores() {
    }

    /** Lane indexes for {@link FloatVector#selectFrom(jdk.incubator.vector.Vector, jdk.incubator.vector.Vector)}. */
    private static FloatVector indexes(float... lanes) {
        return FloatVector.fromArray(F8, lanes, 0);
    }

    /**
     * {@code out[outOff + t] = dot16(keys, kOff + t stride, q, qOff, n) * scale} for {@code t < count}; {@code n} a
     * multiple of 16.
     */
    public static void scores16(float[] q, int qOff, float[] keys, int kOff, int stride, int count, int n,
                                float scale, float[] out, int outOff) {
        int t = 0;
        for (; t + 4 <= count; t += 4) four(q, qOff, keys, kOff + t * stride, stride, n, scale, out, outOff + t);
        for (; t < count; t++) out[outOff + t] = LlamaOps.dot16(keys, kOff + t * stride, q, qOff, n) * scale;
    }

    /** Four keys from {@code k}, {@code stride} apart. */
    private static void four(float[] q, int qOff, float[] keys, int k, int stride, int n, float scale, float[] out,
                             int outOff) {
        FloatVector lo0 = FloatVector.zero(F8), lo1 = lo0, lo2 = lo0, lo3 = lo0;
        FloatVector hi0 = lo0, hi1 = lo0, hi2 = lo0, hi3 = lo0;
        for (int i = 0; i < n; i += 16) {
            FloatVector ql = FloatVector.fromArray(F8, q, qOff + i);
            FloatVector qh = FloatVector.fromArray(F8, q, qOff + i + 8);
            int at = k + i;
            lo0 = FloatVector.fromArray(F8, keys, at).fma(ql, lo0);
            hi0 = FloatVector.fromArray(F8, keys, at + 8).fma(qh, hi0);
            lo1 = FloatVector.fromArray(F8, keys, at + stride).fma(ql, lo1);
            hi1 = FloatVector.fromArray(F8, keys, at + stride + 8).fma(qh, hi1);
            lo2 = FloatVector.fromArray(F8, keys, at + 2 * stride).fma(ql, lo2);
            hi2 = FloatVector.fromArray(F8, keys, at + 2 * stride + 8).fma(qh, hi2);
            lo3 = FloatVector.fromArray(F8, keys, at + 3 * stride).fma(ql, lo3);
            hi3 = FloatVector.fromArray(F8, keys, at + 3 * stride + 8).fma(qh, hi3);
        }
        FloatVector r = pairs(halves(lo0.add(hi0), lo1.add(hi1)), halves(lo2.add(hi2), lo3.add(hi3)));
        FloatVector scores = KEY_ORDER.selectFrom(EVENS.selectFrom(r, r).add(ODDS.selectFrom(r, r))).mul(scale);
        ((FloatVector) scores.reinterpretShape(FloatVector.SPECIES_128, 0)).intoArray(out, outOff);
    }

    /** {@code s_j = t_j + t_{j+4}} of two keys' 8-lane sums: key a's four, then key b's. */
    private static FloatVector halves(FloatVector a, FloatVector b) {
        return LOW_HALVES.selectFrom(a, b).add(HIGH_HALVES.selectFrom(a, b));
    }

    /** {@code s0 + s2} and {@code s1 + s3} of keys a and c (from {@code ab}) and b and d (from {@code cd}). */
    private static FloatVector pairs(FloatVector ab, FloatVector cd) {
        return FIRST_PAIRS.selectFrom(ab, cd).add(SECOND_PAIRS.selectFrom(ab, cd));
    }
}
