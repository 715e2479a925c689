package dev.hearth.gguf.quant;

import java.util.Objects;

/**
 * One activation vector as every kernel may want it: the floats, and on request their Q8_0 and Q8_K forms and the
 * floats times 2^112 that F16 rows of finite halves take ({@link #halvesScaled}).
 *
 * <p>Use: {@link #set} the floats (kept by reference, not copied), {@link #prepare} the format a kernel
 * wants ({@link RowKernel#activationFormat()}) on one thread, then run {@link RowKernel#dot} or
 * {@link MatVec#matVec} from as many threads as you like. {@code prepare} quantizes only once per
 * {@code set}. Owned by one session; never shared between sessions.
 */
public final class Activation {

    private final Q8Activation q8_0;
    private final Q8Activation q8_K;
    private final float[] halvesScaled;
    private float[] values;
    private int offset;
    private int length;
    private boolean q8_0Ready;
    private boolean q8_KReady;
    private boolean halvesScaledReady;
    /** Whether every float times 2^112 came out exact (no finite float of 2^16 or more). */
    private boolean halvesScaledExact;

    /** Buffers for vectors of up to {@code capacity} elements. */
    public Activation(int capacity) {
        this.q8_0 = new Q8Activation(capacity);
        this.q8_K = new Q8Activation(capacity);
        this.halvesScaled = new float[capacity];
    }

    /** Points this at {@code x[offset, offset + length)}; forgets the quantized forms. */
    public Activation set(float[] x, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, x.length);
        if (length > q8_0.capacity()) {
            throw new IllegalArgumentException("length " + length + " exceeds capacity " + q8_0.capacity());
        }
        this.values = x;
        this.offset = offset;
        this.length = length;
        invalidate();
        return this;
    }

    /** Call after changing the floats in place: forgets the quantized forms. */
    public void invalidate() {
        this.q8_0Ready = false;
        this.q8_KReady = false;
        this.halvesScaledReady = false;
    }

    /** Makes the given form available (quantizing now if needed) for the single-row kernels. Not thread-safe. */
    public Activation prepare(ActivationFormat format) {
        return prepare(format, false);
    }

    /**
     * {@link #prepare(ActivationFormat)}, and where {@code unpackedRows}, also what the tiles of {@link UnpackedRow}
     * read of a quantized form (its lane floats). Not thread-safe.
     */
    public Activation prepare(ActivationFormat format, boolean unpackedRows) {
        switch (format) {
            case F32 -> { }
            case Q8_0 -> {
                if (!q8_0Ready) {
                    Q8Activation.quantizeQ8_0(values, offset, length, q8_0);
                    q8_0Ready = true;
                }
                if (unpackedRows) q8_0.fillLaneFloats();
            }
            case Q8_K -> {
                if (!q8_KReady) {
                    Q8Activation.quantizeQ8_K(values, offset, length, q8_K);
                    q8_KReady = true;
                }
                if (unpackedRows) q8_K.fillLaneFloats();
            }
        }
        return this;
    }

    /** Makes {@link #halvesScaled} available, scaling the floats now if needed. Not thread-safe. */
    public Activation prepareHalvesScaled() {
        if (halvesScaledReady) return this;
        boolean exact = true;
        for (int i = 0; i < length; i++) {
            float v = values[offset + i];
            halvesScaled[i] = v * 0x1p112f;
            // 2^16 and more overflow; infinities and NaNs stay what they were, as their products do
            if (Math.abs(v) >= 0x1p16f && !Float.isInfinite(v)) exact = false;
        }
        halvesScaledExact = exact;
        halvesScaledReady = true;
        return this;
    }

    /**
     * The floats times 2^112 from index 0, for {@link F16Kernels#dotScaled}, or null where some float is 2^16 or more
     * and would overflow; {@link #prepareHalvesScaled} them first.
     */
    public float[] halvesScaled() {
        if (!halvesScaledReady) {
            throw new IllegalStateException("floats times 2^112 not prepared");
        }
        return halvesScaledExact ? halvesScaled : null;
    }

    public float[] values() {
        return values;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The Q8_0 form; {@link #prepare} it first. */
    public Q8Activation q8_0() {
        if (!q8_0Ready) {
            throw new IllegalStateException("Q8_0 form not prepared");
        }
        return q8_0;
    }

    /** The Q8_K form; {@link #prepare} it first. */
    public Q8Activation q8_K() {
        if (!q8_KReady) {
            throw new IllegalStateException("Q8_K form not prepared");
        }
        return q8_K;
    }

    /** The quantized form {@code format} ({@link ActivationFormat#Q8_0} or {@link ActivationFormat#Q8_K}). */
    public Q8Activation quantized(ActivationFormat format) {
        return format == ActivationFormat.Q8_0 ? q8_0() : q8_K();
    }
}
