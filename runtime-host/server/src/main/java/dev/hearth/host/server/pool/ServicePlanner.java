package dev.hearth.host.server.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.command.CommandFailure;
import dev.hearth.command.Models;

/**
 * Plans a load with the installed formats and backends, the way every command does ({@link Models}): the first format
 * that claims the file describes it; the pinned backend, or else the first that supports the model, GPUs first,
 * runs it. Messages name the model, not the server's folders.
 */
public final class ServicePlanner implements ModelPool.Planner {

    /** How long a request waits for formats and backends that are still starting (a request right after start-up). */
    private static final long SERVICE_WAIT_NANOS = 10_000_000_000L;

    private final Supplier<List<ModelFormat>> formats;
    private final Supplier<List<Backend>> backends;

    public ServicePlanner(Supplier<List<ModelFormat>> formats, Supplier<List<Backend>> backends) {
        this.formats = () -> awaitAny(formats);
        this.backends = () -> awaitAny(backends);
    }

    /** The services now, waiting a bounded time for the first while none is registered yet. */
    private static <T> List<T> awaitAny(Supplier<List<T>> services) {
        long end = System.nanoTime() + SERVICE_WAIT_NANOS;
        List<T> now = services.get();
        while (now.isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return now;
            }
            now = services.get();
        }
        return now;
    }

    @Override
    public ModelPool.Plan plan(Path path, String backendId) throws IOException, ModelUnavailable {
        String name = path.getFileName().toString();
        List<ModelFormat> f = formats.get();
        if (f.isEmpty()) {
            throw new ModelUnavailable(ModelUnavailable.Reason.NOT_SUPPORTED, "no model format is installed");
        }
        Models.Resolved r;
        try {
            r = Models.resolve(path, f);
        } catch (CommandFailure e) {
            throw new ModelUnavailable(ModelUnavailable.Reason.NOT_SUPPORTED, hidePath(e.getMessage(), path, name));
        } catch (IOException e) {
            throw new ModelUnavailable(ModelUnavailable.Reason.LOAD_FAILED, name + " cannot be read: "
                    + hidePath(e.getMessage(), path, name), e);
        }
        List<Backend> b = backends.get().stream().filter(x -> backendId == null || x.id().equals(backendId)).toList();
        if (b.isEmpty()) {
            throw new ModelUnavailable(ModelUnavailable.Reason.NOT_SUPPORTED, backendId == null
                    ? "no backend is installed" : "backend '" + backendId + "' is not installed");
        }
        try {
            return new ModelPool.Plan(r.description(), Models.chooseBackend(r.description(), b));
        } catch (CommandFailure e) {
            throw new ModelUnavailable(ModelUnavailable.Reason.NOT_SUPPORTED, hidePath(e.getMessage(), path, name));
        }
    }

    private static String hidePath(String message, Path path, String name) {
        if (message == null) return name;
        return message.replace(path.toString(), name).replace(path.getParent() + "/", "");
    }
}
