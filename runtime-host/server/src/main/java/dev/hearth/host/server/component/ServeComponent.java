package dev.hearth.host.server.component;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 */
@Component(immediate = true)
public class ServeComponent {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host.server");
    static final String SERVE = "hearth.serve";

    private final List<ModelFormat> formats = new CopyOnWriteArrayList<>();
    private final List<Backend> backends = new CopyOnWriteArrayList<>();
    private ApiServer server;

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
    }

    @Activate
    void activate(BundleContext context) {
        if (!Boolean.parseBoolean(context.getProperty(SERVE))) return;
        try {
            Settings s = Settings.from(context::getProperty);
            Metrics metrics = new Metrics();
            LoadOptions base = LoadOptions.defaults().withContextLength(s.contextLength()).withThreads(s.threads());
            ModelPool pool = new ModelPool(new ServicePlanner(() -> List.copyOf(formats), () -> List.copyOf(backends)),
                    d -> d.chatTemplate().isEmpty() && !s.chatTemplate().isEmpty()
                            ? base.withExtra(LoadOptions.CHAT_TEMPLATE, s.chatTemplate()) : base,
                    s.memoryLimit(), MemoryInfo::availableBytes, s.idleTimeout().toNanos(), s.parallel(), metrics);
            server = new ApiServer(s, new ModelStore(s.modelsDir()), pool, metrics);
            server.start();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "the HTTP API did not start: " + e.getMessage(), e);
            if (server != null) server.close();
            server = null;
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) server.close();
        server = null;
    }
}
