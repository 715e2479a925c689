package dev.hearth.safetensors.ort.component;

import java.io.IOException;
import java.util.Set;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.safetensors.ort.OrtBackend;

/** The Backend service of one provider; all logic is in {@link OrtBackend}. */
abstract class OrtBackendComponent implements Backend {
    private final OrtBackend backend;

    OrtBackendComponent(OrtBackend backend) {
        this.backend = backend;
    }

    @Override
    public String id() { return backend.id(); }

    @Override
    public DeviceInfo device() { return backend.device(); }

    @Override
    public Set<String> formats() { return backend.formats(); }

    @Override
    public String version() { return backend.version(); }

    @Override
    public Support supports(ModelDescription model) { return backend.supports(model); }

    @Override
    public LoadedModel load(ModelDescription model, LoadOptions options) throws IOException {
        return backend.load(model, options);
    }
}
