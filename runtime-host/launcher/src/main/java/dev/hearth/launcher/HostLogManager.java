package dev.hearth.launcher;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * java.util.logging's manager for the host JVM. The JDK's own manager removes every handler in a shutdown hook of its
 * own, racing the host's hook: "stopping" and whatever bundles log while the framework stops would be lost after
 * SIGTERM. This one ignores that reset (handlers flush each record, the OS closes the file), and otherwise behaves as
 * the JDK's. Chosen by {@link Main} before the first logger is made.
 */
public final class HostLogManager extends LogManager {

    @Override
    public void reset() {
        if (Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName() + "$")) {
            for (Handler h : Logger.getLogger("").getHandlers()) {
                h.flush();
            }
            return;
        }
        super.reset();
    }
}
