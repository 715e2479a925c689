package dev.hearth.host.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Services by type, with a filter on {@code hearth.command=NAME} understood: enough for the shell's logic. */
public final class FakeLookup implements ServiceLookup {
    private final Map<Class<?>, List<Object>> services = new HashMap<>();
    public final List<Duration> waits = new ArrayList<>();
    public boolean closed;

    public <T> FakeLookup add(Class<T> type, T service) {
        services.computeIfAbsent(type, k -> new ArrayList<>()).add(service);
        return this;
    }

    @Override
    public <T> List<T> services(Class<T> type, String filter, Duration wait) {
        waits.add(wait);
        Predicate<Object> match = o -> true;
        if (filter != null && filter.startsWith("(hearth.command=")) {
            String name = filter.substring("(hearth.command=".length(), filter.length() - 1);
            match = o -> ((dev.hearth.api.command.HearthCommand) o).name().equals(name);
        }
        return services.getOrDefault(type, List.of()).stream().filter(match).map(type::cast).toList();
    }

    @Override
    public void close() {
        closed = true;
    }
}
