package dev.hearth.host.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** Failures that SCR records only after the change count was bumped are still reported, by one rescan at a time. */
class ComponentFailuresComponentTest {

    @Test
    void aFailureAfterTheBumpIsReportedByTheRescan() throws Exception {
        // the first three scans see it still being activated, the later ones see it failed
        AtomicInteger scans = new AtomicInteger();
        ServiceComponentRuntime runtime = runtime("dev.x.Broken", () -> {
            ComponentConfigurationDTO c = new ComponentConfigurationDTO();
            c.id = 3;
            boolean failed = scans.incrementAndGet() > 3;
            c.state = failed ? ComponentConfigurationDTO.FAILED_ACTIVATION : ComponentConfigurationDTO.SATISFIED;
            c.failure = failed ? "java.lang.IllegalStateException: boom\n\tat x" : null;
            return c;
        });
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("dev.hearth.host");
        log.addHandler(capture);
        ComponentFailuresComponent component = new ComponentFailuresComponent();
        try {
            component.bindRuntime(runtime);
            assertTrue(warnings.isEmpty(), "nothing failed yet: " + warnings);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (warnings.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(List.of("component dev.x.Broken of bundle dev.x [12] failed to activate: "
                    + "IllegalStateException: boom"), warnings);
        } finally {
            component.deactivate();
            log.removeHandler(capture);
        }
    }

    /**
     * Ten bumps while a component stays in activation start one chain of rescans, not ten: in 1.1 s one chain
     * (every 250 ms) scans about 4 more times, ten chains about 40.
     */
    @Test
    void manyBumpsKeepOneRescanPending() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        ServiceComponentRuntime runtime = runtime("dev.x.Slow", () -> {
            scans.incrementAndGet();
            ComponentConfigurationDTO c = new ComponentConfigurationDTO();
            c.state = ComponentConfigurationDTO.SATISFIED;
            return c;
        });
        ComponentFailuresComponent component = new ComponentFailuresComponent();
        try {
            component.bindRuntime(runtime);
            for (int bump = 0; bump < 9; bump++) component.runtimeChanged(runtime);
            Thread.sleep(1_100);
            int rescans = scans.get() - 10;
            assertTrue(rescans >= 1 && rescans <= 8, rescans + " rescans after 10 bumps in 1.1 s");
        } finally {
            component.deactivate();
        }
    }

    /** An SCR runtime with one immediate component of bundle dev.x [12], whose configuration each scan asks for. */
    private static ServiceComponentRuntime runtime(String name, Supplier<ComponentConfigurationDTO> configuration) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        d.immediate = true;
        d.bundle = new BundleDTO();
        d.bundle.symbolicName = "dev.x";
        d.bundle.id = 12;
        return (ServiceComponentRuntime) Proxy.newProxyInstance(ComponentFailuresComponentTest.class.getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getComponentDescriptionDTOs" -> List.of(d);
                    case "getComponentConfigurationDTOs" -> List.of(configuration.get());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
