package dev.hearth.safetensors.ort;

import java.util.Optional;

/**
 * Which wrapper's ONNX Runtime natives this process loaded first. A wrapper extracts {@code libonnxruntime.so} and
 * {@code libonnxruntime4j_jni.so} to a folder of its own and loads them through its class loader, but the JNI
 * library finds its {@code libonnxruntime.so} by soname, and the dynamic linker hands it the one loaded first. So
 * after a swap to a wrapper of another build (CPU to CUDA), the new JNI library drives the old build's core: its
 * CPU provider works, its CUDA provider is not there until the host restarts.
 *
 * <p>The record is a system property because the fact is process-wide: it outlives the engine bundle, which the
 * host refreshes at every swap.
 */
public final class OrtNatives {
    /** System property: the wrapper whose natives were loaded first, as {@link #format(OrtWrapper)} writes it. */
    public static final String PROPERTY = "hearth.onnxruntime.natives";
    private static final String SEPARATOR = " from ";

    private OrtNatives() {}

    /**
     * Records {@code wrapper} as the one whose natives this process runs, unless another was recorded first.
     *
     * @return the wrapper recorded first when its build differs from {@code wrapper}'s: its natives are the ones in
     *         use, and providers only the other build has cannot load until a restart
     */
    public static Optional<OrtWrapper> claim(OrtWrapper wrapper) {
        Object first = System.getProperties().putIfAbsent(PROPERTY, format(wrapper));
        if (first == null) {
            return Optional.empty();
        }
        OrtWrapper loaded = parse(first.toString());
        return loaded.build().equals(wrapper.build()) ? Optional.empty() : Optional.of(loaded);
    }

    static String format(OrtWrapper w) {
        return w.build() + SEPARATOR + w.bundle();
    }

    static OrtWrapper parse(String recorded) {
        int at = recorded.indexOf(SEPARATOR);
        return at < 0 ? new OrtWrapper("an unknown bundle", recorded)
                : new OrtWrapper(recorded.substring(at + SEPARATOR.length()), recorded.substring(0, at));
    }
}
