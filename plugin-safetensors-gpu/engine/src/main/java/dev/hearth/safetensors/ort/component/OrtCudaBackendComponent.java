package dev.hearth.safetensors.ort.component;

import dev.hearth.api.backend.Backend;
import dev.hearth.safetensors.ort.OrtBackends;
import dev.hearth.safetensors.ort.OrtProvider;

import org.osgi.service.component.annotations.Component;

/** {@code safetensors-ort-cuda}: disabled until {@link OrtProviderProbeComponent} finds that the CUDA provider loads. */
@Component(name = OrtCudaBackendComponent.NAME, enabled = false, service = Backend.class, property = {
        Backend.PROP_ID + "=safetensors-ort-cuda",
        Backend.PROP_DEVICE_TYPE + "=GPU",
        Backend.PROP_DEVICE_INDEX + ":Integer=0"})
public final class OrtCudaBackendComponent extends OrtBackendComponent {
    static final String NAME = "dev.hearth.safetensors.ort.cuda";

    public OrtCudaBackendComponent() {
        super(OrtBackends.create(OrtProvider.CUDA, WiredWrapper.current()));
    }
}
