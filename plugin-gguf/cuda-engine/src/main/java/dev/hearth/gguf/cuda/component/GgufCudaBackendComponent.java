package dev.hearth.gguf.cuda.component;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.hearth.api.backend.Backend;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.gguf.cuda.GgufCudaBackend;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Registers one {@code gguf-cuda} {@link Backend} per {@link CudaDevice} service, with {@code hearth.backend},
 * {@code hearth.device.type=GPU} and {@code hearth.device.index}. A device going away, or this bundle stopping
 * (uninstall, update), closes every model loaded on it, which frees all of its GPU memory.
 */
@Component(immediate = true, service = {})
public final class GgufCudaBackendComponent {

    private record Entry(GgufCudaBackend backend, ServiceRegistration<Backend> registration) {
    }

    private final BundleContext context;
    private final Map<CudaDevice, Entry> entries = new ConcurrentHashMap<>();

    @Activate
    public GgufCudaBackendComponent(BundleContext context) {
        this.context = context;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeDevice")
    void addDevice(CudaDevice device) {
        GgufCudaBackend backend = new GgufCudaBackend(device);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Backend.PROP_ID, GgufCudaBackend.ID);
        props.put(Backend.PROP_DEVICE_TYPE, "GPU");
        props.put(Backend.PROP_DEVICE_INDEX, device.index());
        entries.put(device, new Entry(backend, context.registerService(Backend.class, backend, props)));
    }

    void removeDevice(CudaDevice device) {
        Entry e = entries.remove(device);
        if (e != null) close(e);
    }

    @Deactivate
    void deactivate() {
        entries.values().forEach(GgufCudaBackendComponent::close);
        entries.clear();
    }

    private static void close(Entry e) {
        try {
            e.registration().unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered by the framework while the bundle stops
        }
        e.backend().close();
    }
}
