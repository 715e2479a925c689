package dev.hearth.host.component;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.hearth.host.shell.ComponentFailures;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
 *
 * <p>A bump can come while an immediate component is still being activated (satisfied, not yet active or failed),
 * and its failure then need not bump the count again: so while a scan finds such a component, it scans again a
 * little later, up to {@value #RESCANS} times {@value #RESCAN_MS} ms after the last bump. Without that, a
 * hot-deployed plugin that failed was now and then never reported. One rescan at a time is pending, however many
 * bumps come meanwhile (a deployment bumps the count once per component).
 */
@Component(immediate = true)
public class ComponentFailuresComponent {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host");
    private static final long RESCAN_MS = 250;
    private static final int RESCANS = 40;

    private final ComponentFailures failures = new ComponentFailures(LOG::warning);
    private final ScheduledExecutorService rescans = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hearth-component-failures");
        t.setDaemon(true);
        return t;
    });
    private volatile ServiceComponentRuntime runtime;
    /** Rescans left after the last bump; guarded by {@code this}. */
    private int rescansLeft;
    /** Whether a rescan is scheduled; guarded by {@code this}. */
    private boolean rescanPending;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindRuntime", updated = "runtimeChanged")
    void bindRuntime(ServiceComponentRuntime runtime) {
        runtimeChanged(runtime);
    }

    void runtimeChanged(ServiceComponentRuntime runtime) {
        this.runtime = runtime;
        synchronized (this) {
            rescansLeft = RESCANS;
        }
        scan();
    }

    void unbindRuntime(ServiceComponentRuntime runtime) {
        if (this.runtime == runtime) this.runtime = null; // the names already reported are kept
    }

    @Deactivate
    void deactivate() {
        rescans.shutdownNow();
    }

    /**
     * Reports the failures there are now; while an activation is under way, scans again later. SCR is asked without
     * holding this object's lock, since SCR calls {@link #runtimeChanged} holding locks of its own.
     */
    private void scan() {
        ServiceComponentRuntime r = runtime;
        if (r == null) return;
        List<ComponentFailures.Failure> found = new ArrayList<>();
        boolean activating = false;
        for (ComponentDescriptionDTO d : r.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : r.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    found.add(new ComponentFailures.Failure(d.name, d.bundle.symbolicName, d.bundle.id, c.id,
                            c.failure));
                }
                activating |= d.immediate && c.state == ComponentConfigurationDTO.SATISFIED;
            }
        }
        synchronized (this) {
            failures.update(found);
            if (activating && !rescanPending && rescansLeft > 0) {
                rescansLeft--;
                try {
                    rescans.schedule(this::rescan, RESCAN_MS, TimeUnit.MILLISECONDS);
                    rescanPending = true;
                } catch (RejectedExecutionException deactivated) {
                    // the host is stopping
                }
            }
        }
    }

    private void rescan() {
        synchronized (this) {
            rescanPending = false;
        }
        scan();
    }
}
