package dev.hearth.host.server.component;

import java.io.IOException;
import java.net.BindException;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.host.server.Settings;
import dev.hearth.host.server.http.ApiServer;
import dev.hearth.host.server.metrics.Metrics;
import dev.hearth.host.server.pool.MemoryInfo;
import dev.hearth.host.server.pool.ModelPool;
import dev.hearth.host.server.pool.ServicePlanner;
import dev.hearth.host.server.store.ModelStore;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Starts the HTTP API in a serving host: the launcher sets the framework property {@code hearth.serve=true} for
 * {@code hearth serve} only, so a plain command ({@code hearth run}) never opens a port. Holds dynamic references to
 * every model format and backend: plugins added to deploy/ are used by the next load.
 *
 * <p>It tells the launcher whether the API is up: a {@code Supplier<String>} service with the property
 * {@value #STATUS} ({@code listening} or {@code failed}) whose value is empty, or the reason in one line
 * ({@code cannot listen on 127.0.0.1:11435: address already in use}); the launcher prints that line and exits with 1.
 * The launcher and this bundle share no Hearth classes, hence a JDK type.
 */
@Component(immediate = true)
public class ServeComponent {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host.server");
    static final String SERVE = "hearth.serve";
    /** Service property of the status service; the launcher waits for {@code (hearth.serve.status=*)}. */
    static final String STATUS = "hearth.serve.status";

    private final List<ModelFormat> formats = new CopyOnWriteArrayList<>();
    private final List<Backend> backends = new CopyOnWriteArrayList<>();
    private ApiServer server;
    private volatile ModelPool pool;
    private ServiceRegistration<?> status;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindFormat(ModelFormat f) {
        formats.add(f);
    }

    void unbindFormat(ModelFormat f) {
        formats.remove(f);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindBackend(Backend b) {
        backends.add(b);
    }

    void unbindBackend(Backend b) {
        backends.remove(b);
        ModelPool p = pool;
        if (p != null) p.unloadBackend(b); // a model must not outlive its engine (a plugin removed or rewired)
    }

    @Activate
    void activate(BundleContext context) {
        if (!Boolean.parseBoolean(context.getProperty(SERVE))) return;
        try {
            Settings s = Settings.from(context::getProperty);
            Metrics metrics = new Metrics();
            LoadOptions options = LoadOptions.defaults().withContextLength(s.contextLength()).withThreads(s.threads());
            LoadOptions base = s.decodeBatch() == 0 ? options
                    : options.withExtra(LoadOptions.DECODE_BATCH, Integer.toString(s.decodeBatch()));
            pool = new ModelPool(new ServicePlanner(() -> List.copyOf(formats), () -> List.copyOf(backends)),
                    d -> d.chatTemplate().isEmpty() && !s.chatTemplate().isEmpty()
                            ? base.withExtra(LoadOptions.CHAT_TEMPLATE, s.chatTemplate()) : base,
                    s.memoryLimit(), MemoryInfo::availableBytes, s.idleTimeout().toNanos(), s.parallel(), metrics);
            server = new ApiServer(s, new ModelStore(s.modelsDir()), pool, metrics);
            try {
                server.start();
            } catch (IOException e) {
                throw new IOException("cannot listen on " + s.bind() + ":" + s.port() + ": " + (e instanceof BindException
                        && "Address already in use".equalsIgnoreCase(e.getMessage()) ? "address already in use"
                        : e.getMessage()), e);
            }
            status = register(context, "listening", "");
        } catch (IOException | RuntimeException e) {
            // the launcher prints the reason as the one line the user sees; the log keeps the details
            LOG.log(Level.FINE, "the HTTP API did not start: " + e.getMessage(), e);
            if (server != null) server.close();
            server = null;
            status = register(context, "failed", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static ServiceRegistration<?> register(BundleContext context, String state, String reason) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(STATUS, state);
        Supplier<String> value = () -> reason;
        return context.registerService(Supplier.class, value, props);
    }

    @Deactivate
    void deactivate() {
        if (status != null) {
            try {
                status.unregister();
            } catch (IllegalStateException e) {
                // the bundle is stopping: already gone
            }
            status = null;
        }
        if (server != null) server.close();
        server = null;
        pool = null;
    }
}
