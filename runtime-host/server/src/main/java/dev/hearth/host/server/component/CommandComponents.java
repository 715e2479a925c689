package dev.hearth.host.server.component;

import java.nio.file.Path;

import dev.hearth.host.server.Settings;

import org.osgi.framework.BundleContext;

/** Reading the settings from framework properties, for the command components. */
final class CommandComponents {
    /** FileInstall's watched folder, set by the launcher. */
    static final String DEPLOY = "felix.fileinstall.dir";

    private CommandComponents() {
    }

    static Settings settings(BundleContext context) {
        return Settings.from(context::getProperty);
    }

    static Path deploy(BundleContext context) {
        String d = context.getProperty(DEPLOY);
        String home = context.getProperty("hearth.home");
        if (d != null && !d.isBlank()) return Path.of(d);
        return Path.of(home == null ? "." : home, "deploy");
    }
}
