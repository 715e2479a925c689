package dev.hearth.safetensors.ort.component;

import dev.hearth.api.backend.Backend;
import dev.hearth.safetensors.ort.OrtBackends;
import dev.hearth.safetensors.ort.OrtProvider;

import org.osgi.service.component.annotations.Component;

/** {@code safetensors-ort-dml}: disabled until {@link OrtProviderProbeComponent} finds that DirectML loads. */
@Component(name = OrtDmlBackendComponent.NAME, enabled = false, service = Backend.class, property = {
        Backend.PROP_ID + "=safetensors-ort-dml",
        Backend.PROP_DEVICE_TYPE + "=GPU",
        Backend.PROP_DEVICE_INDEX + ":Integer=0"})
public final class OrtDmlBackendComponent extends OrtBackendComponent {
    static final String NAME = "dev.hearth.safetensors.ort.dml";

    public OrtDmlBackendComponent() {
        super(OrtBackends.create(OrtProvider.DML, WiredWrapper.current()));
    }
}
