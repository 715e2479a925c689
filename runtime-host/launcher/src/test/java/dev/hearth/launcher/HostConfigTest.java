package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;

class HostConfigTest {
    private static final Path HOME = Path.of("/opt/hearth");

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsWithoutAFile() {
        HostConfig c = HostConfig.from(HOME, new Properties());
        assertEquals(HOME.resolve("bundle"), c.bundleDir());
        assertEquals(HOME.resolve("deploy"), c.deployDir());
        assertEquals(Duration.ofSeconds(10), c.serviceTimeout());
        assertEquals(500, c.pollMillis());
        assertEquals(Level.INFO, c.logLevel());
        assertEquals("off", c.dsLogLevel());
    }

    @Test
    void frameworkPropertiesConfigureFileInstallAndAPerProcessCache() {
        HostConfig c = HostConfig.from(HOME, props("hearth.fileinstall.poll", "250", "hearth.dir.deploy", "/srv/plugins"));
        Map<String, String> f = c.frameworkProperties(Path.of("/opt/hearth/cache/42"));
        assertEquals("/opt/hearth/cache/42", f.get("org.osgi.framework.storage"));
        assertEquals("onFirstInit", f.get("org.osgi.framework.storage.clean"));
        assertEquals("/srv/plugins", f.get("felix.fileinstall.dir"));
        assertEquals("250", f.get("felix.fileinstall.poll"));
        assertEquals("true", f.get("felix.fileinstall.noInitialDelay"));
        assertEquals("jul", f.get("felix.fileinstall.log.default"));
        assertEquals("false", f.get("ds.log.enabled"));
        assertFalse(f.containsKey("org.osgi.framework.system.packages.extra"),
                "jdk.incubator.vector comes from --add-modules, never from system.packages.extra");
    }

    @Test
    void otherKeysArePassedToTheFrameworkAndWin() {
        HostConfig c = HostConfig.from(HOME, props("felix.fileinstall.poll", "2000", "gosh.args", "--noshutdown",
                "hearth.ds.log.level", "warn"));
        Map<String, String> f = c.frameworkProperties(Path.of("/c"));
        assertEquals("2000", f.get("felix.fileinstall.poll"));
        assertEquals("--noshutdown", f.get("gosh.args"));
        assertEquals("warn", f.get("ds.loglevel"));
        assertTrue(!f.containsKey("ds.log.enabled"));
    }

    @Test
    void badValuesNameTheirKey() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> HostConfig.from(HOME, props("hearth.service.timeout", "soon")));
        assertTrue(e.getMessage().contains("hearth.service.timeout") && e.getMessage().contains("soon"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HostConfig.from(HOME, props("hearth.fileinstall.poll", "1")));
        assertTrue(e.getMessage().contains("between 50 and 60000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HostConfig.from(HOME, props("hearth.log.level", "LOUD")));
        assertTrue(e.getMessage().contains("hearth.log.level"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HostConfig.from(HOME, props("hearth.ds.log.level", "x")));
        assertTrue(e.getMessage().contains("hearth.ds.log.level"), e.getMessage());
    }
}
