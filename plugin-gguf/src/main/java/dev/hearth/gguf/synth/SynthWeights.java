package dev.hearth.gguf.synth;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import dev.hearth.gguf.quantize.RowSource;

/**
 * The random weights of a synthetic model, defined in GGUF layout (ggml rows, GGUF's query/key row order): matrix
 * rows are N(0, 0.02) draws, each row from its own generator seeded by (seed, tensor name, row), so any row can
 * be made on any thread in any order and GGUF and SafeTensors outputs of one seed hold the same values. Norm
 * weights (1-D) are 1. Values are rounded to F16, so the F16 file holds them exactly and quantized files are the
 * quantization of the F16 file.
 */
public final class SynthWeights {

    public static final double STD = 0.02;

    private SynthWeights() {}

    /** The rows of tensor {@code name} of rank {@code rank} (rows of {@code dst.length}). */
    public static RowSource rows(long seed, String name, int rank) {
        if (rank < 2) {
            return (row, dst) -> java.util.Arrays.fill(dst, 1f);
        }
        long nameHash = fnv64(name);
        return (row, dst) -> {
            SplittableRandom r = new SplittableRandom(mix(seed ^ mix(nameHash + 0x9E3779B97F4A7C15L * (row + 1))));
            for (int i = 0; i < dst.length; i++) {
                dst[i] = Float.float16ToFloat(Float.floatToFloat16((float) (r.nextGaussian() * STD)));
            }
        };
    }

    /** FNV-1a over the UTF-8 bytes: a stable hash of a tensor name. */
    static long fnv64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
