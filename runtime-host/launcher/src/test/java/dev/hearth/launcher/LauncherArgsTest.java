package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LauncherArgsTest {

    @Test
    void readsGlobalOptionsUpToTheCommand() {
        LauncherArgs a = LauncherArgs.parse("--verbose", "--timeout", "30", "verify", "--verbose", "x.gguf");
        assertTrue(a.verbose());
        assertEquals(30, a.timeoutSeconds());
        assertEquals("verify", a.command());
        assertEquals(6, a.all().size(), "everything is passed on unchanged");
        assertFalse(a.hostMode());
    }

    @Test
    void consoleAndServeAreHostModes() {
        assertTrue(LauncherArgs.parse("console").hostMode());
        assertTrue(LauncherArgs.parse("-v", "serve").hostMode());
        assertTrue(LauncherArgs.parse("-v", "serve").verbose());
    }

    @Test
    void optionsAfterTheCommandBelongToIt() {
        LauncherArgs a = LauncherArgs.parse("run", "--verbose", "--timeout=3");
        assertFalse(a.verbose());
        assertEquals(-1, a.timeoutSeconds());
    }

    @Test
    void badTimeoutIsLeftForTheShellToReport() {
        LauncherArgs a = LauncherArgs.parse("--timeout=soon", "backends");
        assertEquals(-1, a.timeoutSeconds());
        assertEquals("backends", a.command());
        assertEquals("", LauncherArgs.parse().command());
    }
}
