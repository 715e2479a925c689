package dev.hearth.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;

/**
 * The host's settings, read from {@code conf/hearth.properties} under the distribution's home, then overridden by
 * system properties of the same name. Keys starting with {@code hearth.} are the host's own (documented in the file);
 * every other key is handed to the framework as a framework property, so Felix, FileInstall, SCR and Gogo can be
 * tuned without a change here. JVM settings (heap, direct memory) are read by {@code bin/hearth}, not here.
 *
 * @param home           the distribution's folder
 * @param bundleDir      bundles installed and started at every start
 * @param consoleDir     bundles started only by {@code hearth console}
 * @param deployDir      folder watched by FileInstall
 * @param logDir         where {@code hearth.log} is written
 * @param cacheRoot      parent of the per-process framework caches
 * @param serviceTimeout how long to wait for a service a command needs
 * @param pollMillis     FileInstall's poll interval
 * @param logLevel       level of {@code logs/hearth.log}
 * @param felixLogLevel  Felix's own level: 0 off, 1 error, 2 warning, 3 info, 4 debug
 * @param dsLogLevel     SCR's level ({@code off}, error, warn, info, debug); SCR prints to stderr by itself
 * @param framework      further framework properties from the file
 */
public record HostConfig(Path home, Path bundleDir, Path consoleDir, Path deployDir, Path logDir, Path cacheRoot,
                         Duration serviceTimeout, long pollMillis, Level logLevel, int felixLogLevel,
                         String dsLogLevel, Map<String, String> framework) {

    public static final String FILE = "conf/hearth.properties";

    /**
     * Prefixes of {@code hearth.*} settings that belong to bundles, not to the launcher: they are handed to the
     * framework as they are, so the bundle reads them with {@code BundleContext.getProperty}.
     */
    static final List<String> BUNDLE_SETTINGS = List.of("hearth.serve.", "hearth.models.",
            "hearth.pull.", "hearth.plugin.");

    /** Framework property set by {@code hearth serve}: bundles that only run in a serving host (HTTP API) check it. */
    public static final String SERVE = "hearth.serve";

    public HostConfig {
        framework = Map.copyOf(framework);
    }

    /** Reads {@link #FILE} under {@code home} (missing file: defaults), then system properties. */
    public static HostConfig load(Path home) throws IOException {
        Properties p = new Properties();
        Path file = home.resolve(FILE);
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("hearth.") && !key.equals("hearth.home")) {
                p.setProperty(key, System.getProperty(key));
            }
        }
        return from(home, p);
    }

    /** Builds the settings from already-read properties; bad values are named with their key. */
    public static HostConfig from(Path home, Properties p) {
        Map<String, String> framework = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("hearth.") || BUNDLE_SETTINGS.stream().anyMatch(key::startsWith)) {
                framework.put(key, p.getProperty(key).trim());
            }
        }
        return new HostConfig(
                home,
                dir(home, p, "hearth.dir.bundle", "bundle"),
                dir(home, p, "hearth.dir.console", "console"),
                dir(home, p, "hearth.dir.deploy", "deploy"),
                dir(home, p, "hearth.dir.logs", "logs"),
                dir(home, p, "hearth.dir.cache", "cache"),
                Duration.ofSeconds(number(p, "hearth.service.timeout", 10, 0, 3600)),
                number(p, "hearth.fileinstall.poll", 500, 50, 60_000),
                level(p, "hearth.log.level", "INFO"),
                (int) number(p, "hearth.felix.log.level", 1, 0, 4),
                dsLevel(p.getProperty("hearth.ds.log.level", "off")),
                framework);
    }

    public HostConfig withDeployDir(Path dir) {
        return new HostConfig(home, bundleDir, consoleDir, dir, logDir, cacheRoot, serviceTimeout, pollMillis,
                logLevel, felixLogLevel, dsLogLevel, framework);
    }

    /** The same settings with one more framework property (it wins over the host's own values). */
    public HostConfig withFrameworkProperty(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(framework);
        m.put(key, value);
        return new HostConfig(home, bundleDir, consoleDir, deployDir, logDir, cacheRoot, serviceTimeout, pollMillis,
                logLevel, felixLogLevel, dsLogLevel, m);
    }

    public HostConfig withServiceTimeout(Duration timeout) {
        return new HostConfig(home, bundleDir, consoleDir, deployDir, logDir, cacheRoot, timeout, pollMillis,
                logLevel, felixLogLevel, dsLogLevel, framework);
    }

    /** The framework properties for a host whose cache is {@code cacheDir}; {@link #framework} entries win. */
    public Map<String, String> frameworkProperties(Path cacheDir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("org.osgi.framework.storage", cacheDir.toString());
        m.put("org.osgi.framework.storage.clean", "onFirstInit");
        m.put("felix.log.level", Integer.toString(felixLogLevel));
        // FileInstall: watch deploy/, jars only, log through java.util.logging into hearth.log
        m.put("felix.fileinstall.dir", deployDir.toAbsolutePath().toString());
        m.put("felix.fileinstall.poll", Long.toString(pollMillis));
        m.put("felix.fileinstall.noInitialDelay", "true");
        m.put("felix.fileinstall.filter", ".*\\.jar");
        m.put("felix.fileinstall.log.default", "jul");
        m.put("felix.fileinstall.log.level", Integer.toString(fileInstallLogLevel(logLevel)));
        m.put("felix.fileinstall.bundles.new.start", "true");
        m.put("felix.fileinstall.enableConfigSave", "false");
        // SCR prints straight to stderr with stack traces; the shell bundle reports failed components itself
        if (dsLogLevel.equals("off")) {
            m.put("ds.log.enabled", "false");
        } else {
            m.put("ds.loglevel", dsLogLevel);
        }
        // how soon SCR publishes component state changes (the shell watches them to report failures)
        m.put("ds.service.changecount.timeout", "100");
        m.put("hearth.home", home.toAbsolutePath().toString());
        m.put("hearth.service.timeout", Long.toString(serviceTimeout.toSeconds()));
        m.putAll(framework);
        return m;
    }

    private static int fileInstallLogLevel(Level level) {
        // FileInstall: 1 error, 2 warning, 3 info, 4 debug
        int v = level.intValue();
        return v >= Level.SEVERE.intValue() ? 1 : v >= Level.WARNING.intValue() ? 2 : v >= Level.INFO.intValue() ? 3 : 4;
    }

    private static Path dir(Path home, Properties p, String key, String def) {
        return home.resolve(p.getProperty(key, def).trim()).normalize();
    }

    private static long number(Properties p, String key, long def, long min, long max) {
        String s = p.getProperty(key);
        if (s == null || s.isBlank()) {
            return def;
        }
        long v;
        try {
            v = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FILE + ": " + key + " must be a whole number, was '" + s.trim() + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(FILE + ": " + key + " must be between " + min + " and " + max
                    + ", was " + v);
        }
        return v;
    }

    private static Level level(Properties p, String key, String def) {
        String s = p.getProperty(key, def).trim().toUpperCase(Locale.ROOT);
        try {
            return Level.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FILE + ": " + key
                    + " must be one of SEVERE, WARNING, INFO, FINE, FINER, ALL, OFF, was '" + s + "'");
        }
    }

    private static String dsLevel(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "off", "error", "warn", "info", "debug" -> v;
            default -> throw new IllegalArgumentException(FILE + ": hearth.ds.log.level must be one of off, error, "
                    + "warn, info, debug, was '" + s.trim() + "'");
        };
    }
}
