package dev.hearth.host.component;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import dev.hearth.host.shell.ComponentFailures;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Reports components whose activation failed, for plugins of any bundle: SCR records the failure in its DTOs and
 * bumps {@code service.changecount} on its runtime service; each bump rescans. SCR's own logging is off by default
 * (it prints stack traces to stderr), so this is where a broken plugin shows up: as a warning in logs/hearth.log.
 */
@Component(immediate = true)
public class ComponentFailuresComponent {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host");

    private final ComponentFailures failures = new ComponentFailures(LOG::warning);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindRuntime", updated = "runtimeChanged")
    void bindRuntime(ServiceComponentRuntime runtime) {
        runtimeChanged(runtime);
    }

    void runtimeChanged(ServiceComponentRuntime runtime) {
        failures.update(scan(runtime));
    }

    void unbindRuntime(ServiceComponentRuntime runtime) {
        // nothing kept but the names already reported
    }

    private static List<ComponentFailures.Failure> scan(ServiceComponentRuntime runtime) {
        List<ComponentFailures.Failure> found = new ArrayList<>();
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    found.add(new ComponentFailures.Failure(d.name, d.bundle.symbolicName, d.bundle.id, c.id,
                            c.failure));
                }
            }
        }
        return found;
    }
}
