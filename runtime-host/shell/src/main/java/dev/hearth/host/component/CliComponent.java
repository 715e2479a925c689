package dev.hearth.host.component;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;

import dev.hearth.host.shell.HearthCli;
import dev.hearth.host.shell.ServiceLookup;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The command line as the launcher sees it: a {@code ToIntFunction<String[]>} with {@code hearth.cli=true} (JDK types
 * only, the launcher shares no Hearth classes). Running it as a {@link Runnable} asks the current command to stop.
 */
@Component(service = ToIntFunction.class, property = "hearth.cli=true")
public class CliComponent implements ToIntFunction<String[]>, Runnable {
    static final String TIMEOUT_PROPERTY = "hearth.service.timeout";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final BundleContext context;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    @Activate
    public CliComponent(BundleContext context) {
        this.context = context;
    }

    @Override
    public int applyAsInt(String[] args) {
        cancelled.set(false);
        HearthCli cli = new HearthCli(System.out, System.err, System.in, Path.of(System.getProperty("user.dir")),
                timeout(context.getProperty(TIMEOUT_PROPERTY)));
        try (ServiceLookup lookup = new TrackerLookup(context)) {
            return cli.run(args, lookup, cancelled::get);
        }
    }

    @Override
    public void run() {
        cancelled.set(true);
    }

    static Duration timeout(String seconds) {
        try {
            return seconds == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(Long.parseLong(seconds.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_TIMEOUT;
        }
    }
}
