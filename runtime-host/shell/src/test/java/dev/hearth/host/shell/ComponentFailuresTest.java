package dev.hearth.host.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ComponentFailuresTest {

    private static ComponentFailures.Failure failure(String trace) {
        return new ComponentFailures.Failure("dev.x.Broken", "dev.x", 12, 3, trace);
    }

    @Test
    void reportsEachFailureOnceAndAgainAfterRecovery() {
        List<String> lines = new ArrayList<>();
        ComponentFailures f = new ComponentFailures(lines::add);
        ComponentFailures.Failure broken = failure("java.lang.IllegalStateException: boom\n\tat dev.x.Broken.activate(B.java:1)");
        f.update(List.of(broken));
        f.update(List.of(broken));
        assertEquals(List.of("component dev.x.Broken of bundle dev.x [12] failed to activate: IllegalStateException: boom"),
                lines);
        f.update(List.of());
        f.update(List.of(broken));
        assertEquals(2, lines.size());
    }

    @Test
    void reasonIsTheFirstLineShortened() {
        assertEquals("NullPointerException", failure("java.lang.NullPointerException\n\tat x").reason());
        assertEquals("something odd", failure("something odd\nmore").reason());
        assertEquals("no reason recorded", failure(null).reason());
    }
}
