package dev.hearth.launcher;

import java.util.List;

/**
 * What the launcher itself reads from the command line: the global options and the command's name. Everything is
 * passed on unchanged to the shell bundle, which parses it properly (picocli); the launcher only needs to know
 * whether to run a host mode of its own ({@code console}, {@code serve}) and how much to say.
 *
 * @param verbose        {@code --verbose} or {@code -v} was given before the command
 * @param timeoutSeconds {@code --timeout N} before the command, or -1
 * @param command        the first word that is not an option, or empty
 * @param all            every argument, unchanged
 */
public record LauncherArgs(boolean verbose, long timeoutSeconds, String command, List<String> all) {

    public static final String CONSOLE = "console";
    public static final String SERVE = "serve";

    public LauncherArgs {
        all = List.copyOf(all);
    }

    /** Reads the global options up to the command; a malformed {@code --timeout} is left for the shell to report. */
    public static LauncherArgs parse(String... args) {
        boolean verbose = false;
        long timeout = -1;
        String command = "";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--verbose") || a.equals("-v")) {
                verbose = true;
            } else if (a.equals("--timeout") && i + 1 < args.length) {
                timeout = seconds(args[++i]);
            } else if (a.startsWith("--timeout=")) {
                timeout = seconds(a.substring("--timeout=".length()));
            } else if (!a.startsWith("-")) {
                command = a;
                break;
            }
        }
        return new LauncherArgs(verbose, timeout, command, List.of(args));
    }

    private static long seconds(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** True for the modes the launcher runs itself instead of handing them to the shell bundle. */
    public boolean hostMode() {
        return command.equals(CONSOLE) || command.equals(SERVE);
    }
}
