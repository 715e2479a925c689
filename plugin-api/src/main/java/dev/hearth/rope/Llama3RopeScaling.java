package dev.hearth.rope;

/**
 * Llama 3.1's RoPE frequency scaling ({@code rope_scaling.rope_type = "llama3"}; transformers'
 * {@code _compute_llama3_parameters}): frequencies whose wavelength is longer than the original context divided by
 * {@code lowFreqFactor} are divided by {@code factor}, those shorter than the original context divided by
 * {@code highFreqFactor} stay, and those in between are interpolated smoothly. llama.cpp stores the same as the
 * tensor {@code rope_freqs.weight}: the {@linkplain #divisor divisor} of each frequency.
 *
 * @param factor                 {@code factor}: how much longer the context is, at least 1
 * @param lowFreqFactor          {@code low_freq_factor}
 * @param highFreqFactor         {@code high_freq_factor}, above {@code lowFreqFactor}
 * @param originalMaxPositions   {@code original_max_position_embeddings}: the context the model was pretrained at
 */
public record Llama3RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {

    /** A value out of range; {@link #field()} is its config.json name. */
    public static final class InvalidException extends IllegalArgumentException {
        private final String field;

        InvalidException(String field, String message) {
            super(field + " " + message);
            this.field = field;
        }

        /** The config.json field inside {@code rope_scaling}, e.g. {@code low_freq_factor}. */
        public String field() {
            return field;
        }
    }

    /** @throws InvalidException naming the field of a value out of range */
    public Llama3RopeScaling {
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new InvalidException("factor", "must be a finite number of at least 1, found " + factor);
        }
        if (!(lowFreqFactor > 0) || Double.isInfinite(lowFreqFactor)) {
            throw new InvalidException("low_freq_factor", "must be a finite positive number, found " + lowFreqFactor);
        }
        if (!(highFreqFactor > lowFreqFactor) || Double.isInfinite(highFreqFactor)) {
            throw new InvalidException("high_freq_factor", "must be finite and above low_freq_factor " + lowFreqFactor
                    + ", found " + highFreqFactor);
        }
        if (originalMaxPositions <= 0) {
            throw new InvalidException("original_max_position_embeddings", "must be positive, found "
                    + originalMaxPositions);
        }
    }

    /**
     * What an inverse frequency ({@code theta^(-2i/d)}, radians per position) is multiplied by: 1 for short
     * wavelengths, {@code 1/factor} for long ones, {@code (1 - smooth) / factor + smooth} in between.
     */
    public double multiplier(double inverseFrequency) {
        double wavelength = 2 * Math.PI / inverseFrequency;
        if (wavelength < originalMaxPositions / highFreqFactor) {
            return 1;
        }
        if (wavelength > originalMaxPositions / lowFreqFactor) {
            return 1 / factor;
        }
        double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) / factor + smooth;
    }

    /** What llama.cpp divides the frequency by ({@code rope_freqs.weight}): {@code 1 / multiplier}. */
    public double divisor(double inverseFrequency) {
        return 1 / multiplier(inverseFrequency);
    }

    /** The scaled inverse frequencies of {@link RopeFrequencies#inverse} of {@code theta} over {@code dims}. */
    public float[] scaledInverseFrequencies(double theta, int dims) {
        float[] f = RopeFrequencies.inverse(theta, dims);
        for (int i = 0; i < f.length; i++) f[i] = (float) (f[i] * multiplier(f[i]));
        return f;
    }

    /** {@code rope_freqs.weight} for {@code theta} over {@code dims}: one divisor per frequency, {@code dims / 2}. */
    public float[] divisors(double theta, int dims) {
        float[] f = RopeFrequencies.inverse(theta, dims);
        for (int i = 0; i < f.length; i++) f[i] = (float) divisor(f[i]);
        return f;
    }
}
