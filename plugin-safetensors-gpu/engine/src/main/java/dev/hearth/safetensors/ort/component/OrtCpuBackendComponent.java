package dev.hearth.safetensors.ort.component;

import dev.hearth.api.backend.Backend;
import dev.hearth.safetensors.ort.OrtBackends;
import dev.hearth.safetensors.ort.OrtProvider;

import org.osgi.service.component.annotations.Component;

/** {@code safetensors-ort-cpu}: ONNX Runtime's CPU provider, present in every ONNX Runtime build. */
@Component(service = Backend.class, property = {
        Backend.PROP_ID + "=safetensors-ort-cpu",
        Backend.PROP_DEVICE_TYPE + "=CPU",
        Backend.PROP_DEVICE_INDEX + ":Integer=0"})
public final class OrtCpuBackendComponent extends OrtBackendComponent {
    public OrtCpuBackendComponent() {
        super(OrtBackends.create(OrtProvider.CPU, WiredWrapper.current()));
    }
}
