package dev.hearth.host.shell;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports each component that failed to activate once, in one line naming the component, its bundle and the reason.
 * Fed with the failures there are now; a component that recovers and fails again is reported again.
 */
public final class ComponentFailures {
    private static final Pattern EXCEPTION = Pattern.compile("^(?:[\\w$]+\\.)*([\\w$]+(?:Exception|Error))(?::\\s*(.*))?$");

    /**
     * A component configuration in the state "failed activation".
     *
     * @param component       the component's name
     * @param bundle          symbolic name of the bundle declaring it
     * @param bundleId        that bundle's id
     * @param configurationId the configuration's id
     * @param failure         what the runtime recorded: usually a stack trace
     */
    public record Failure(String component, String bundle, long bundleId, long configurationId, String failure) {
        String key() {
            return bundleId + "/" + component + "/" + configurationId;
        }

        /** The exception's simple name and message from the first line of the recorded failure. */
        public String reason() {
            if (failure == null || failure.isBlank()) {
                return "no reason recorded";
            }
            String first = failure.strip().lines().findFirst().orElse("").strip();
            Matcher m = EXCEPTION.matcher(first);
            if (m.matches()) {
                return m.group(2) == null || m.group(2).isBlank() ? m.group(1) : m.group(1) + ": " + m.group(2);
            }
            return first;
        }

        public String line() {
            return "component " + component + " of bundle " + bundle + " [" + bundleId + "] failed to activate: "
                    + reason();
        }
    }

    private final Consumer<String> report;
    private Set<String> known = Set.of();

    public ComponentFailures(Consumer<String> report) {
        this.report = report;
    }

    /** Reports the failures not reported before and forgets those that are gone. */
    public synchronized List<String> update(List<Failure> now) {
        Set<String> next = new HashSet<>();
        List<String> reported = new ArrayList<>();
        for (Failure f : now) {
            next.add(f.key());
            if (!known.contains(f.key())) {
                String line = f.line();
                report.accept(line);
                reported.add(line);
            }
        }
        known = next;
        return reported;
    }
}
