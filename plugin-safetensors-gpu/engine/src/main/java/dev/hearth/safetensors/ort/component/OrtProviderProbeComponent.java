package dev.hearth.safetensors.ort.component;

import ai.onnxruntime.OrtEnvironment;

import dev.hearth.safetensors.ort.OrtProvider;
import dev.hearth.safetensors.ort.OrtProviders;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Probes ONNX Runtime's GPU providers once and enables the Backend component of each one that loads, so a missing
 * CUDA 12 / cuDNN 9 means no {@code safetensors-ort-cuda} service (and one log line naming the missing library),
 * never a broken one.
 */
@Component(immediate = true, service = {})
public final class OrtProviderProbeComponent {

    @Activate
    public OrtProviderProbeComponent(ComponentContext context) {
        for (OrtProviders.Probe p : OrtProviders.probe(OrtEnvironment.getEnvironment(),
                WiredWrapper.current())) {
            if (!p.usable()) {
                continue;
            }
            if (p.provider() == OrtProvider.CUDA) {
                context.enableComponent(OrtCudaBackendComponent.NAME);
            } else if (p.provider() == OrtProvider.DML) {
                context.enableComponent(OrtDmlBackendComponent.NAME);
            }
        }
    }
}
