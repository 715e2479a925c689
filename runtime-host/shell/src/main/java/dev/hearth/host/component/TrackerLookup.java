package dev.hearth.host.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import dev.hearth.host.shell.ServiceLookup;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * {@link ServiceLookup} over service trackers that stay open until the command ends, so the services it uses are not
 * released (and their components deactivated) under it. Waiting stops early once no bundle is starting any more:
 * then nothing else is on its way, and an unknown command or a missing plugin is reported at once.
 */
final class TrackerLookup implements ServiceLookup {
    /** Shortest wait before "settled" may end it: leaves room for a bundle that is about to start. */
    private static final long MIN_WAIT_NANOS = Duration.ofMillis(300).toNanos();
    private static final long SLICE_MS = 50;

    private final BundleContext context;
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    TrackerLookup(BundleContext context) {
        this.context = context;
    }

    @Override
    public synchronized <T> List<T> services(Class<T> type, String filter, Duration wait) {
        String f = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        if (filter != null && !filter.isBlank()) {
            f = "(&" + f + filter + ")";
        }
        Filter parsed;
        try {
            parsed = context.createFilter(f);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("invalid service filter " + filter + ": " + e.getMessage(), e);
        }
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, parsed, null);
        tracker.open();
        trackers.add(tracker);
        await(tracker, wait);
        ServiceReference<T>[] refs = tracker.getServiceReferences();
        if (refs == null) {
            return List.of();
        }
        // highest ranking first, then oldest: ServiceReference orders by exactly that
        return Arrays.stream(refs).sorted(Comparator.reverseOrder()).map(tracker::getService)
                .filter(Objects::nonNull).map(type::cast).toList();
    }

    private void await(ServiceTracker<?, ?> tracker, Duration wait) {
        long start = System.nanoTime();
        long end = start + wait.toNanos();
        try {
            while (tracker.isEmpty()) {
                long now = System.nanoTime();
                if (now >= end || (now - start >= MIN_WAIT_NANOS && settled())) {
                    return;
                }
                tracker.waitForService(Math.max(1, Math.min(SLICE_MS, (end - now) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when no bundle is starting (bundles waiting for lazy activation do not count). */
    private boolean settled() {
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.STARTING
                    && !Constants.ACTIVATION_LAZY.equals(lazyPolicy(b))) {
                return false;
            }
        }
        return true;
    }

    private static String lazyPolicy(Bundle b) {
        String h = b.getHeaders().get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return h == null ? null : h.split(";")[0].trim();
    }

    @Override
    public synchronized void close() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }
}
