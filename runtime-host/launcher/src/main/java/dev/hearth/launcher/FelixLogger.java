package dev.hearth.launcher;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Sends Felix's own messages (resolver errors, bundle exceptions) to java.util.logging instead of stdout. Felix takes
 * an instance of its {@code Logger} class through the {@code felix.log.logger} framework property, so this class
 * names Felix's implementation type: the one place the launcher does.
 */
final class FelixLogger extends org.apache.felix.framework.Logger {
    private static final Logger LOG = Logger.getLogger("org.apache.felix.framework");

    FelixLogger(int level) {
        setLogLevel(level);
    }

    @Override
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        LogRecord r = new LogRecord(toJul(level), bundle == null ? msg : name(bundle) + ": " + msg);
        r.setLoggerName(LOG.getName());
        r.setThrown(throwable);
        LOG.log(r);
    }

    static String name(Bundle b) {
        String bsn = b.getSymbolicName();
        return (bsn == null ? b.getLocation() : bsn) + " [" + b.getBundleId() + "]";
    }

    private static Level toJul(int level) {
        return switch (level) {
            case LOG_ERROR -> Level.SEVERE;
            case LOG_WARNING -> Level.WARNING;
            case LOG_INFO -> Level.INFO;
            default -> Level.FINE;
        };
    }
}
