package dev.hearth.gguf.component;

import java.io.IOException;
import java.util.Set;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.gguf.engine.GgufCpuBackend;

import org.osgi.service.component.annotations.Component;

/** Registers the {@code gguf-cpu} backend: one service, for the CPU. */
@Component(service = Backend.class, property = {
        Backend.PROP_ID + "=" + GgufCpuBackend.ID,
        Backend.PROP_DEVICE_TYPE + "=CPU",
        Backend.PROP_DEVICE_INDEX + ":Integer=0"})
public final class GgufCpuBackendComponent implements Backend {

    private final GgufCpuBackend backend = new GgufCpuBackend();

    @Override
    public String id() {
        return backend.id();
    }

    @Override
    public DeviceInfo device() {
        return backend.device();
    }

    @Override
    public Set<String> formats() {
        return backend.formats();
    }

    @Override
    public String version() {
        return backend.version();
    }

    @Override
    public Support supports(ModelDescription model) {
        return backend.supports(model);
    }

    @Override
    public LoadedModel load(ModelDescription model, LoadOptions options) throws IOException {
        return backend.load(model, options);
    }
}
