package dev.hearth.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * java.util.logging for the whole JVM (launcher, Felix, FileInstall and bundles alike): every record at the file
 * level goes to {@code logs/hearth.log} with time, level and source; records at the console level go to stderr as
 * one short line ({@code hearth: message}), with the stack trace only when verbose.
 */
public final class HostLogging {

    public static final String LOG_FILE = "hearth.log";
    /** The JDK logs every Runtime.exit with a stack trace at FINE: not news. Held here: JUL keeps loggers weakly. */
    private static final Logger RUNTIME = Logger.getLogger("java.lang.Runtime");

    private HostLogging() {
    }

    /**
     * Replaces the root logger's handlers. When the log folder cannot be written, says so once on stderr and goes
     * on with stderr alone.
     */
    public static void install(Path logDir, Level fileLevel, Level consoleLevel, boolean verbose) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(min(fileLevel, consoleLevel));
        RUNTIME.setLevel(Level.INFO);

        Handler console = new ConsoleHandler();
        console.setLevel(consoleLevel);
        console.setFormatter(new ShortFormatter(verbose));
        root.addHandler(console);

        try {
            Files.createDirectories(logDir);
            OutputStream out = Files.newOutputStream(logDir.resolve(LOG_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            Handler file = new FlushingHandler(out, new FileFormatter());
            file.setLevel(fileLevel);
            root.addHandler(file);
        } catch (IOException | SecurityException e) {
            root.warning("cannot write " + logDir.resolve(LOG_FILE) + " (" + e.getMessage() + "): logging to stderr only");
        }
    }

    private static Level min(Level a, Level b) {
        return a.intValue() <= b.intValue() ? a : b;
    }

    /** The message and, when asked, the stack trace: what a user reads on the terminal. */
    static final class ShortFormatter extends Formatter {
        private final boolean stackTraces;

        ShortFormatter(boolean stackTraces) {
            this.stackTraces = stackTraces;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder("hearth: ").append(formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null) {
                if (stackTraces) {
                    sb.append(System.lineSeparator()).append(stackTrace(t));
                } else if (t.getMessage() != null && !formatMessage(r).contains(t.getMessage())) {
                    sb.append(": ").append(t.getMessage());
                }
            }
            return sb.append(System.lineSeparator()).toString();
        }
    }

    /** One line per record with time, process, level and logger; stack traces in full. */
    static final class FileFormatter extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        private final long pid = ProcessHandle.current().pid();

        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder()
                    .append(LocalDateTime.now().format(TIME)).append(" [").append(pid).append("] ")
                    .append(r.getLevel().getName()).append(' ')
                    .append(r.getLoggerName() == null ? "" : r.getLoggerName()).append(": ")
                    .append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                sb.append(stackTrace(r.getThrown()));
            }
            return sb.toString();
        }
    }

    /** Flushes each record, so a crash or a second process never finds the log behind. */
    static final class FlushingHandler extends StreamHandler {
        FlushingHandler(OutputStream out, Formatter f) {
            super(out, f);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
