package dev.hearth.safetensors.ort;

import java.nio.file.Path;

import dev.hearth.safetensors.onnx.OnnxExportCache;

/** Makes the backend of a provider with the default export cache ({@code hearth.onnx.cache} or ~/.hearth/cache/onnx). */
public final class OrtBackends {
    private OrtBackends() {}

    /** @param wrapper the bundle the engine's ONNX Runtime classes come from */
    public static OrtBackend create(OrtProvider provider, OrtWrapper wrapper) {
        String prop = System.getProperty("hearth.onnx.cache");
        Path cache = prop == null || prop.isBlank() ? OnnxExportCache.defaultRoot() : Path.of(prop);
        return switch (provider) {
            case CPU -> new OrtBackend(provider, OrtDevices.cpu(), "always available", cache, wrapper);
            case CUDA, DML -> new OrtBackend(provider, OrtDevices.gpu(provider, 0), "provider probe succeeded", cache,
                    wrapper);
        };
    }
}
