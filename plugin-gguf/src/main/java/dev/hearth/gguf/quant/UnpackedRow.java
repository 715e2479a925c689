package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * One weight row decoded once into plain arrays, so that a batch of activations can be multiplied with it without
 * decoding the row again for every token: the engine's prompt path unpacks a row and then calls {@link #dot} once
 * per token. Each {@link #dot} accumulates in exactly the order of the type's {@link RowKernel#dot} (see
 * {@link GgmlLanes}), so the result is the same to the bit.
 *
 * <p>Supports Q4_K and Q6_K on 256-bit vector paths ({@link #supports}); for anything else use {@link RowKernel#dot}.
 * One instance belongs to one thread at a time; it grows as needed and is reused across rows without allocating.
 */
public final class UnpackedRow {

    private QuantType type;
    private int n;
    /**
     * Per super-block 256 shorts: Q4_K per sub-block pair the nibbles as 4 short vectors (low even/odd, high
     * even/odd); Q6_K per 32-run the signed quants of the even and the odd positions.
     */
    short[] quants = new short[0];
    /** Per super-block 64 ints: Q4_K the 8 six-bit scales; Q6_K per 32-run the 8 lane scales. */
    int[] scales = new int[0];
    /** Q4_K: per super-block the 8 six-bit mins packed one per byte ({@link Q4_KKernels#mins}). */
    long[] mins = new long[0];
    /** Per super-block {@code d} (and for Q4_K {@code dmin}) as floats. */
    float[] d = new float[0];
    float[] dmin = new float[0];

    /** Whether {@link #unpack} handles rows of {@code type} on this machine. */
    public static boolean supports(QuantType type) {
        return GgmlLanes.VECTOR && (type == QuantType.Q4_K || type == QuantType.Q6_K);
    }

    /** Decodes the {@code n} weights of {@code type} at {@code w + wOffset}; {@link #supports} must hold. */
    public void unpack(QuantType type, MemorySegment w, long wOffset, int n) {
        if (!supports(type)) {
            throw new IllegalArgumentException(type + " rows cannot be unpacked here");
        }
        Bytes.checkBlocks(n, type.blockSize(), type.typeName());
        int blocks = n / type.blockSize();
        if (d.length < blocks) {
            quants = new short[blocks * 256];
            scales = new int[blocks * 64];
            mins = new long[blocks];
            d = new float[blocks];
            dmin = new float[blocks];
        }
        this.type = type;
        this.n = n;
        if (type == QuantType.Q4_K) {
            Q4_KKernels.unpack(w, wOffset, n, this);
        } else {
            Q6_KKernels.unpack(w, wOffset, n, this);
        }
    }

    /** The dot product of the unpacked row with {@code x}, equal to the bit to {@code type.dot(w, wOffset, x, n)}. */
    public float dot(Activation x) {
        if (type == null) {
            throw new IllegalStateException("nothing unpacked");
        }
        return type == QuantType.Q4_K ? Q4_KKernels.dotUnpacked(this, x.q8_K(), n)
                : Q6_KKernels.dotUnpacked(this, x.q8_K(), n);
    }
}
