package dev.hearth.safetensors.ort.component;

import java.util.Map;

import ai.onnxruntime.OrtEnvironment;

import dev.hearth.safetensors.ort.OrtWrapper;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleRevision;

/** The wrapper bundle this engine is wired to: the bundle that defines the {@code ai.onnxruntime} classes it links. */
final class WiredWrapper {
    /** The capability a wrapper provides, valued with its build's flavour ({@code cpu}, {@code cuda}). */
    static final String NAMESPACE = "dev.hearth.onnxruntime";

    private WiredWrapper() {}

    static OrtWrapper current() {
        Bundle b = FrameworkUtil.getBundle(OrtEnvironment.class);
        if (b == null) {
            return OrtWrapper.CLASS_PATH;
        }
        String build = b.adapt(BundleRevision.class).getDeclaredCapabilities(NAMESPACE).stream()
                .map(c -> build(c.getAttributes())).findFirst()
                .orElse("unknown build (no " + NAMESPACE + " capability)");
        return new OrtWrapper(b.getSymbolicName() + " " + b.getVersion(), build);
    }

    private static String build(Map<String, Object> attributes) {
        return attributes.get(NAMESPACE) + " " + attributes.get("version");
    }
}
