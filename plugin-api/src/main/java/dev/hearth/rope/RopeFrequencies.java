package dev.hearth.rope;

/** The unscaled rotary embedding frequencies. */
public final class RopeFrequencies {

    private RopeFrequencies() {
    }

    /**
     * {@code theta^(-2i/dims)} for {@code i < dims/2}, radians per position, rounded to F32 as transformers'
     * {@code 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))} is (the exponent in F32 too).
     */
    public static float[] inverse(double theta, int dims) {
        if (!(theta > 0) || dims <= 0 || dims % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs theta > 0 and an even positive dimension, got theta "
                    + theta + ", dims " + dims);
        }
        float[] f = new float[dims / 2];
        for (int i = 0; i < f.length; i++) f[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / dims));
        return f;
    }
}
