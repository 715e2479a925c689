package dev.hearth.gguf.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.cuda.driver.CudaDiscovery;
import dev.hearth.cuda.driver.DriverDevice;

/**
 * GPU 0 for the tests that run only with {@code -Dhearth.test.cuda=true} (the H100 test machine); discovered once
 * per JVM with plain {@code new}, no OSGi. With the switch on, a missing GPU fails the test rather than skipping it.
 */
final class CudaTestDevice {

    static final String SWITCH = "hearth.test.cuda";

    private static DriverDevice device;

    private CudaTestDevice() {
    }

    static synchronized CudaDevice get() {
        if (device == null) {
            List<String> log = new ArrayList<>();
            List<DriverDevice> all = CudaDiscovery.discover(log::add);
            assertFalse(all.isEmpty(), "-D" + SWITCH + "=true but no GPU: " + log);
            device = all.getFirst();
            System.out.println(log.getFirst());
        }
        return device;
    }
}
