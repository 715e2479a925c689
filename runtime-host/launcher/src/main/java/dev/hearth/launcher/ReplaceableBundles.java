package dev.hearth.launcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Bundles that stand in for one another, such as the two ONNX Runtime wrappers (CPU and CUDA), which export the
 * same packages. A bundle opts in with {@code Provide-Capability: hearth.replaceable;hearth.replaceable=GROUP}; of
 * the installed bundles of a group the newest (highest bundle id: the one installed last) wins:
 * <ul>
 *   <li>a resolver hook hides every other member's capabilities from the rest of the framework, so a bundle that
 *       resolves wires to the winner, whatever the resolver's own preference (it would keep the older one);</li>
 *   <li>when the winner changes (a member installed or uninstalled: a jar dropped into or deleted from
 *       {@code deploy/}), the bundles still wired to another member are refreshed, which rewires them to the
 *       winner. That is logged in one line.</li>
 * </ul>
 * The framework alone would keep importers on the provider they first resolved against until someone refreshes
 * them; FileInstall refreshes only for updates and removals, never for a new alternative. An updated member keeps
 * its bundle id, so it stays the winner, and whoever updates it refreshes (FileInstall does).
 */
final class ReplaceableBundles implements ResolverHookFactory, SynchronousBundleListener {
    private static final Logger LOG = Logger.getLogger("dev.hearth.launcher");
    /** The capability namespace (and attribute) naming a bundle's group. */
    static final String NAMESPACE = "hearth.replaceable";

    private final BundleContext context;
    private final FrameworkWiring wiring;

    ReplaceableBundles(BundleContext systemContext, FrameworkWiring wiring) {
        this.context = systemContext;
        this.wiring = wiring;
    }

    /** Registers the hook and the listener with the system bundle's context. */
    static void install(BundleContext systemContext, FrameworkWiring wiring) {
        ReplaceableBundles r = new ReplaceableBundles(systemContext, wiring);
        systemContext.registerService(ResolverHookFactory.class, r, null);
        systemContext.addBundleListener(r);
    }

    // ---- resolver hook: only the winner of a group provides anything -----------------------------------------

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                BundleRevision requirer = requirement.getRevision();
                candidates.removeIf(c -> c.getRevision().getBundle() != requirer.getBundle()
                        && hidden(c.getRevision(), requirer));
            }

            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> candidates) {
            }

            @Override
            public void end() {
            }
        };
    }

    /** A member of a group whose winner is another revision, or a member seen by another member of its group. */
    private boolean hidden(BundleRevision revision, BundleRevision requirer) {
        Optional<String> group = group(revision);
        if (group.isEmpty()) {
            return false;
        }
        if (group.equals(group(requirer))) {
            return true; // members stand in for one another, they never wire to one another
        }
        Bundle winner = winner(group.get());
        return winner != null && winner.adapt(BundleRevision.class) != revision;
    }

    // ---- listener: rewire the importers when the winner changes ----------------------------------------------

    @Override
    public void bundleChanged(BundleEvent event) {
        int type = event.getType();
        if (type != BundleEvent.INSTALLED && type != BundleEvent.UNINSTALLED) {
            return;
        }
        Bundle changed = event.getBundle();
        // an uninstalled bundle has no current revision; its last one stays until the refresh
        Optional<String> group = changed.adapt(BundleRevisions.class).getRevisions().stream()
                .map(ReplaceableBundles::group).flatMap(Optional::stream).findFirst();
        if (group.isEmpty()) {
            return;
        }
        Bundle winner = winner(group.get());
        if (winner == null) {
            return;
        }
        List<Bundle> stale = wiredToOthers(group.get(), winner);
        if (stale.isEmpty()) {
            return;
        }
        Set<Bundle> refresh = new LinkedHashSet<>(stale);
        if (type == BundleEvent.UNINSTALLED) {
            refresh.add(changed); // its old revision goes with the refresh
        }
        LOG.info(() -> NAMESPACE + "=" + group.get() + ": " + label(winner) + " is now in use (after "
                + label(changed) + " was " + what(type) + "); refreshing " + names(wiring.getDependencyClosure(stale))
                + " to rewire " + (stale.size() == 1 ? "it" : "them"));
        // asynchronous: the framework stops, rewires and restarts the bundles on its own thread
        wiring.refreshBundles(refresh);
    }

    /** Bundles, other than the group's members, with a wire to a member revision other than the winner's. */
    private List<Bundle> wiredToOthers(String group, Bundle winner) {
        BundleRevision current = winner.adapt(BundleRevision.class);
        List<Bundle> stale = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleWiring w = b.adapt(BundleWiring.class);
            if (w == null || group(b.adapt(BundleRevision.class)).isPresent()) {
                continue;
            }
            for (BundleWire wire : w.getRequiredWires(null)) {
                BundleRevision provider = wire.getProvider();
                if (provider != current && group(provider).filter(group::equals).isPresent()) {
                    stale.add(b);
                    break;
                }
            }
        }
        return stale;
    }

    /** The newest installed member of {@code group}, or null when there is none. */
    private Bundle winner(String group) {
        return Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.UNINSTALLED)
                .filter(b -> group(b.adapt(BundleRevision.class)).filter(group::equals).isPresent())
                .reduce((a, b) -> b.getBundleId() > a.getBundleId() ? b : a)
                .orElse(null);
    }

    private static Optional<String> group(BundleRevision revision) {
        if (revision == null) {
            return Optional.empty();
        }
        return revision.getDeclaredCapabilities(NAMESPACE).stream()
                .map(c -> c.getAttributes().get(NAMESPACE)).filter(String.class::isInstance).map(String.class::cast)
                .findFirst();
    }

    private static String what(int type) {
        return switch (type) {
            case BundleEvent.INSTALLED -> "installed";
            default -> "uninstalled";
        };
    }

    static String label(Bundle b) {
        return b.getSymbolicName() + " " + b.getVersion();
    }

    private static String names(Collection<Bundle> bundles) {
        return bundles.stream().map(ReplaceableBundles::label).collect(Collectors.joining(", "));
    }
}
