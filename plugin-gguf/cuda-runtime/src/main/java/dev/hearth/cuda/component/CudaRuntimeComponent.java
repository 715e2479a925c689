package dev.hearth.cuda.component;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.cuda.driver.CudaDiscovery;
import dev.hearth.cuda.driver.DriverDevice;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers one {@link CudaDevice} service per NVIDIA GPU, with {@code hearth.device.type=GPU} and
 * {@code hearth.device.index}; on a machine without a driver or GPU it registers nothing and logs one line.
 */
@Component(immediate = true, service = {})
public final class CudaRuntimeComponent {

    private static final System.Logger LOG = System.getLogger("dev.hearth.cuda");

    private final List<DriverDevice> devices;
    private final List<ServiceRegistration<CudaDevice>> registrations = new ArrayList<>();

    @Activate
    public CudaRuntimeComponent(BundleContext context) {
        devices = CudaDiscovery.discover(line -> LOG.log(System.Logger.Level.INFO, line));
        for (DriverDevice d : devices) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("hearth.device.type", "GPU");
            props.put(CudaDevice.PROP_INDEX, d.index());
            props.put(CudaDevice.PROP_NAME, d.name());
            registrations.add(context.registerService(CudaDevice.class, d, props));
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<CudaDevice> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it while stopping the bundle
            }
        }
        registrations.clear();
        devices.forEach(DriverDevice::close);
    }
}
