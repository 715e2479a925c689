package dev.hearth.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Discovery with plain {@code new}: no GPU means no device and one log line; a GPU means a described device. */
class CudaDiscoveryTest {

    @Test
    @DisabledIfSystemProperty(named = "hearth.test.cuda", matches = "true")
    void withoutGpuNothingIsFoundAndOneLineIsLogged() {
        List<String> lines = new ArrayList<>();
        List<DriverDevice> devices = CudaDiscovery.discover(lines::add);
        devices.forEach(DriverDevice::close);
        assertTrue(devices.isEmpty(), "CI machines have no GPU: " + lines);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().startsWith("CUDA: "), lines.getFirst());
        // a second discovery (the bundle restarted) behaves the same although the native library failed once
        lines.clear();
        assertTrue(CudaDiscovery.discover(lines::add).isEmpty());
        assertEquals(1, lines.size(), lines.toString());
    }

    @Test
    @EnabledIfSystemProperty(named = "hearth.test.cuda", matches = "true")
    void withGpuEveryDeviceIsDescribedAndMemoryIsAccounted() {
        List<String> lines = new ArrayList<>();
        List<DriverDevice> devices = CudaDiscovery.discover(lines::add);
        assertFalse(devices.isEmpty(), "hearth.test.cuda=true but no GPU found: " + lines);
        for (DriverDevice d : devices) {
            try (d) {
                assertTrue(d.computeCapability() >= 80, d.name() + " cc " + d.computeCapability());
                var b = d.allocate(1 << 20, "test");
                assertEquals(1 << 20, d.allocatedBytes("test"));
                b.close();
                b.close();
                assertEquals(0, d.allocatedBytes("test"));
            }
        }
    }
}
