package dev.hearth.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code bin/hearth}: starts the framework headless and hands the command line to the shell bundle, or runs one of
 * the host's own modes ({@code console}, {@code serve}). The only class of Hearth that exits the JVM.
 *
 * <p>The launcher and the bundles share no Hearth classes. The shell bundle registers a
 * {@code ToIntFunction<String[]>} with the property {@value #CLI_FILTER}; the launcher calls it with the arguments
 * and exits with the code it returns. When the same object is also a {@link Runnable}, running it asks the command
 * to stop (Ctrl-C).
 */
public final class Main {
    static {
        // before the first logger: keep logging alive through shutdown hooks (see HostLogManager)
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", HostLogManager.class.getName());
        }
    }

    public static final String CLI_FILTER = "(hearth.cli=true)";
    private static final Logger LOG = Logger.getLogger("dev.hearth.launcher");
    private static final int FAILURE = 1;
    /** The console's terminal library: it looks up its terminal providers through the context class loader. */
    private static final String JLINE = "org.jline";
    /** How long a command gets to finish after Ctrl-C before the framework is stopped under it. */
    private static final long CANCEL_GRACE_MS = 5_000;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command and returns its exit code; never exits. */
    static int run(String[] args) {
        LauncherArgs cli = LauncherArgs.parse(args);
        HostConfig config;
        try {
            config = HostConfig.load(home());
        } catch (Exception e) {
            System.err.println("hearth: " + e.getMessage());
            return FAILURE;
        }
        if (cli.timeoutSeconds() >= 0) {
            config = config.withServiceTimeout(Duration.ofSeconds(cli.timeoutSeconds()));
        }
        Level console = cli.verbose() ? Level.FINE : cli.hostMode() ? Level.INFO : Level.SEVERE;
        HostLogging.install(config.logDir(), config.logLevel(), console, cli.verbose());
        checkJvm();
        LOG.fine(() -> "hearth " + String.join(" ", cli.all()));
        try {
            return switch (cli.command()) {
                case LauncherArgs.CONSOLE -> console(config);
                case LauncherArgs.SERVE -> serve(config);
                default -> command(config, cli);
            };
        } catch (Exception e) {
            LOG.log(Level.SEVERE, e, () -> Host.reason(e));
            return FAILURE;
        }
    }

    /** The distribution's folder: {@code -Dhearth.home}, else the parent of the folder holding this jar. */
    static Path home() {
        String h = System.getProperty("hearth.home");
        if (h != null && !h.isBlank()) {
            return Path.of(h).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent().toAbsolutePath().normalize();
        } catch (Exception e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private static void checkJvm() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.warning("jdk.incubator.vector is not enabled: start through bin/hearth (or pass "
                    + "--add-modules jdk.incubator.vector); engines that use the Vector API will not resolve");
        }
    }

    // ---- bin/hearth <command>: hand the arguments to the shell bundle -------------------------------------------

    @SuppressWarnings("unchecked")
    private static int command(HostConfig config, LauncherArgs cli) throws Exception {
        try (Host host = Host.start(config)) {
            Optional<ToIntFunction<?>> found = host.waitForService(ToIntFunction.class, CLI_FILTER,
                    config.serviceTimeout()).map(f -> (ToIntFunction<?>) f);
            if (found.isEmpty()) {
                LOG.severe("the command line did not come up within " + config.serviceTimeout().toSeconds()
                        + " s: no ToIntFunction service with " + CLI_FILTER + " (is the bundle dev.hearth.host.shell"
                        + " in " + config.bundleDir() + " and active? see " + config.logDir().resolve(HostLogging.LOG_FILE)
                        + ")");
                return FAILURE;
            }
            ToIntFunction<String[]> shell = (ToIntFunction<String[]>) found.get();
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> cancel(shell, done), "hearth-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return shell.applyAsInt(cli.all().toArray(String[]::new));
            } finally {
                done.countDown();
                removeHook(hook);
            }
        }
    }

    /** Ctrl-C or SIGTERM while a command runs: ask it to stop, give it a moment, then let the host stop. */
    private static void cancel(Object shell, CountDownLatch done) {
        if (shell instanceof Runnable r) {
            r.run();
        }
        try {
            done.await(CANCEL_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs
        }
    }

    // ---- bin/hearth serve: a headless host until SIGTERM/SIGINT -------------------------------------------------

    private static int serve(HostConfig config) throws Exception {
        // the HTTP API bundle starts its server only in a serving host
        Host host = Host.start(config.withFrameworkProperty(HostConfig.SERVE, "true"));
        // the HTTP API says whether it listens: a Supplier<String> giving "" or the reason in one line
        String failure = host.waitForService(Supplier.class, "(hearth.serve.status=*)", config.serviceTimeout())
                .map(s -> String.valueOf(s.get())).orElse("");
        if (!failure.isEmpty()) {
            System.err.println("hearth serve: " + failure);
            host.close();
            return FAILURE;
        }
        Thread hook = new Thread(() -> {
            LOG.info("stopping");
            host.close();
        }, "hearth-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("serving; plugins in " + config.deployDir() + " are picked up while running; stop with Ctrl-C");
        host.framework().waitForStop(0);
        // stopped from inside (e.g. 'stop 0' in a console): clean up ourselves
        removeHook(hook);
        host.close();
        return 0;
    }

    // ---- bin/hearth console: the Gogo shell with JLine ----------------------------------------------------------

    private static int console(HostConfig config) throws Exception {
        if (!Files.isDirectory(config.consoleDir())) {
            LOG.severe("no console bundles at " + config.consoleDir());
            return FAILURE;
        }
        try (Host host = Host.start(config)) {
            // gogo.jline stops the framework when its shell ends (exit, Ctrl-D): that ends the console
            host.installAndStart(config.consoleDir(), JLINE);
            Thread hook = new Thread(host::close, "hearth-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            host.framework().waitForStop(0);
            removeHook(hook);
        }
        return 0;
    }
}
