package dev.hearth.safetensors.ort;

/**
 * The bundle that gives the engine its {@code ai.onnxruntime} classes, and the ONNX Runtime build inside it.
 *
 * @param bundle symbolic name and version of the wrapper bundle, e.g. {@code dev.hearth.onnxruntime.cpu 0.1.0}
 * @param build  the build it wraps, from its {@code dev.hearth.onnxruntime} capability: flavour and version, e.g.
 *               {@code cpu 1.29.0}; two wrappers of one build load interchangeable natives
 */
public record OrtWrapper(String bundle, String build) {
    /** Outside OSGi (tests, tools): ONNX Runtime's jar on the class path. */
    public static final OrtWrapper CLASS_PATH = new OrtWrapper("the class path", "class path");

    /** Whether the build is the one made for {@code provider}: flavour {@code cuda} for CUDA, {@code dml} for DML. */
    public boolean builtFor(OrtProvider provider) {
        return build.startsWith(provider.label() + " ");
    }

    @Override
    public String toString() {
        return bundle + " (" + build + ")";
    }
}
