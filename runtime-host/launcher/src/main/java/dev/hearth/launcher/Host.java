package dev.hearth.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * One running OSGi framework with the distribution's bundles: created in a private cache folder, every jar of
 * {@code bundle/} installed then started, a bundle that fails to start reported in one line and skipped.
 * FileInstall, which watches {@code deploy/}, starts first, once every jar of {@code bundle/} is installed: the
 * plugins of {@code deploy/} are then installed before any engine starts, so a plugin that replaces a shipped bundle
 * ({@link ReplaceableBundles}, e.g. the CUDA build of ONNX Runtime) is the one engines resolve against from the
 * start, before they load the natives of the shipped one.
 */
public final class Host implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.hearth.launcher");
    /** FileInstall: its first scan of deploy/ runs while it starts, so it starts before every other bundle. */
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";

    private final HostConfig config;
    private final Framework framework;
    private final ProcessCache cache;
    private boolean closed;
    private final ScheduledExecutorService audit = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hearth-deploy-audit");
        t.setDaemon(true);
        return t;
    });

    private Host(HostConfig config, Framework framework, ProcessCache cache) {
        this.config = config;
        this.framework = framework;
        this.cache = cache;
    }

    /** Starts the framework and the bundles of {@link HostConfig#bundleDir()}. */
    public static Host start(HostConfig config) throws IOException, BundleException {
        if (!Files.isDirectory(config.bundleDir())) {
            throw new IOException("no bundle folder at " + config.bundleDir());
        }
        Files.createDirectories(config.deployDir());
        ProcessCache cache = ProcessCache.create(config.cacheRoot());
        Map<String, Object> props = new HashMap<>(config.frameworkProperties(cache.dir()));
        props.put("felix.log.logger", new FelixLogger(config.felixLogLevel()));
        Framework framework = newFramework(props);
        Host host = new Host(config, framework, cache);
        long t0 = System.nanoTime();
        try {
            framework.init();
            framework.getBundleContext().addFrameworkListener(Host::frameworkEvent);
            ReplaceableBundles.install(framework.getBundleContext(), framework.adapt(FrameworkWiring.class));
            framework.start();
            host.installAndStart(config.bundleDir());
            host.auditDeploy();
            LOG.fine(() -> "host started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (IOException | BundleException | RuntimeException e) {
            host.close();
            throw e;
        }
        return host;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Framework newFramework(Map<String, Object> props) {
        // Felix accepts objects as property values (felix.log.logger); the OSGi signature says String.
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/)"));
        return factory.newFramework((Map) props);
    }

    /** Checks deploy/ at FileInstall's pace and names the jars it skips without a word. */
    private void auditDeploy() {
        DeployAudit deploy = new DeployAudit(config.deployDir());
        audit.scheduleWithFixedDelay(() -> deploy.scan().forEach(LOG::warning), 0, config.pollMillis(),
                TimeUnit.MILLISECONDS);
    }

    public Framework framework() {
        return framework;
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    public HostConfig config() {
        return config;
    }

    /**
     * Installs every jar of {@code dir} (sorted by name), then starts those that are not fragments. A jar that
     * cannot be installed or started is logged with its name and the reason and skipped.
     */
    public List<Bundle> installAndStart(Path dir) throws IOException {
        return installAndStart(dir, null);
    }

    /**
     * As {@link #installAndStart(Path)}, with the thread's context class loader set to that of the bundle named
     * {@code contextBundle} while they start: JLine finds its terminal providers through the context class loader.
     */
    public List<Bundle> installAndStart(Path dir, String contextBundle) throws IOException {
        List<Bundle> installed = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Path jar : jars(dir)) {
            try {
                installed.add(context().installBundle(jar.toUri().toString()));
            } catch (BundleException | RuntimeException e) {
                LOG.warning(() -> "bundle " + jar.getFileName() + " was not installed: " + reason(e));
            }
        }
        LOG.fine(() -> installed.size() + " bundles of " + dir + " installed in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        try {
            contextLoader(installed, contextBundle).ifPresent(self::setContextClassLoader);
            installed.stream().filter(b -> FILEINSTALL.equals(b.getSymbolicName())).forEach(Host::startOne);
            installed.stream().filter(b -> !FILEINSTALL.equals(b.getSymbolicName())).forEach(Host::startOne);
        } finally {
            self.setContextClassLoader(before);
        }
        return installed;
    }

    private Optional<ClassLoader> contextLoader(List<Bundle> bundles, String symbolicName) {
        if (symbolicName == null) {
            return Optional.empty();
        }
        framework.adapt(FrameworkWiring.class).resolveBundles(bundles);
        return bundles.stream().filter(b -> symbolicName.equals(b.getSymbolicName()))
                .map(b -> b.adapt(BundleWiring.class)).filter(w -> w != null).map(BundleWiring::getClassLoader)
                .findFirst();
    }

    private static void startOne(Bundle b) {
        if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            b.start();
            LOG.fine(() -> FelixLogger.name(b) + " started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (BundleException | RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "bundle " + FelixLogger.name(b) + " did not start: " + reason(e));
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
            ds.forEach(jars::add);
        }
        jars.sort(null);
        return jars;
    }

    /**
     * Waits up to {@code timeout} for a service matching an LDAP filter and returns it, or empty when none came.
     * Typed by the caller: the launcher only asks for JDK types, which bundles share with it.
     */
    public <T> Optional<T> waitForService(Class<T> type, String filter, Duration timeout)
            throws InvalidSyntaxException, InterruptedException {
        String f = "(&(" + Constants.OBJECTCLASS + "=" + type.getName() + ")" + filter + ")";
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context(), context().createFilter(f), null);
        tracker.open(true);
        try {
            Object service = tracker.waitForService(Math.max(1, timeout.toMillis()));
            return Optional.ofNullable(service).map(type::cast);
        } finally {
            tracker.close();
        }
    }

    /** Stops the framework, waits for it, and removes the cache; safe to call twice and from two threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        audit.shutdownNow();
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                framework.stop();
            }
            FrameworkEvent e = framework.waitForStop(30_000);
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warning("the framework did not stop within 30 s");
            }
        } catch (BundleException | RuntimeException e) {
            LOG.log(Level.WARNING, "stopping the framework: " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cache.delete();
    }

    private static void frameworkEvent(FrameworkEvent e) {
        if (e.getType() == FrameworkEvent.ERROR) {
            Bundle b = e.getBundle();
            String who = b == null || b.getBundleId() == 0 ? "framework" : "bundle " + FelixLogger.name(b);
            LOG.log(Level.WARNING, e.getThrowable(), () -> who + ": " + reason(e.getThrowable()));
        } else if (e.getType() == FrameworkEvent.WARNING) {
            LOG.log(Level.FINE, e.getThrowable(), () -> "framework warning from " + FelixLogger.name(e.getBundle()));
        }
    }

    /** The most telling one-line reason of an exception: its message and that of its root cause. */
    static String reason(Throwable t) {
        if (t == null) {
            return "unknown reason";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (root != t) {
            String rootMsg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            if (!msg.contains(rootMsg)) {
                msg = msg + ": " + rootMsg;
            }
        }
        return msg.replace('\n', ' ');
    }
}
