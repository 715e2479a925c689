package dev.hearth.api.backend;

/**
 * What continuous batching did for one loaded model so far: its decode passes and the session steps they held, so
 * {@code steps / passes} is the mean batch.
 *
 * @param passes forward passes of single-token decode steps
 * @param steps  session steps those passes evaluated together
 */
public record DecodeBatching(long passes, long steps) {

    public DecodeBatching {
        if (passes < 0 || steps < passes) {
            throw new IllegalArgumentException("passes " + passes + ", steps " + steps + ": need 0 <= passes <= steps");
        }
    }
}
