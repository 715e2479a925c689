package dev.hearth.host.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginStoreTest {
    @TempDir
    Path dir;

    static byte[] bundle(String bsn, String version) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        m.getMainAttributes().putValue("Bundle-Version", version);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(b, m)) {
            j.flush();
        }
        return b.toByteArray();
    }

    static String sha1(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    }

    private PluginStore store(FileServer s) {
        return new PluginStore(dir.resolve("deploy"), s.base() + "/maven2", new Downloader(
                Downloader.client(Duration.ofSeconds(5)), Map.of(), Progress.NONE, Duration.ofSeconds(30)));
    }

    @Test
    void installsFromMavenCoordinatesCheckedAgainstThePublishedSha1ThenUpdatesAndRemoves() throws Exception {
        byte[] v1 = bundle("org.example.backend", "1.0.0");
        byte[] v2 = bundle("org.example.backend", "1.1.0");
        try (FileServer s = new FileServer()) {
            String dirUrl = "/maven2/org/example/backend-plugin";
            s.files.put(dirUrl + "/1.0/backend-plugin-1.0.jar", v1);
            s.files.put(dirUrl + "/1.0/backend-plugin-1.0.jar.sha1", sha1(v1).getBytes(StandardCharsets.US_ASCII));
            s.files.put(dirUrl + "/1.1/backend-plugin-1.1.jar", v2);
            s.files.put(dirUrl + "/1.1/backend-plugin-1.1.jar.sha1", (sha1(v2) + "  backend-plugin-1.1.jar")
                    .getBytes(StandardCharsets.US_ASCII));
            s.files.put(dirUrl + "/maven-metadata.xml", ("<metadata><versioning><release>1.1</release><versions>"
                    + "<version>1.0</version><version>1.1</version></versions></versioning></metadata>")
                    .getBytes(StandardCharsets.UTF_8));
            PluginStore store = store(s);
            PluginStore.Plugin p = store.install("mvn:org.example:backend-plugin:1.0", dir);
            assertEquals("org.example.backend.jar", p.file());
            assertTrue(Files.isRegularFile(dir.resolve("deploy/org.example.backend.jar")));
            assertEquals("mvn:org.example:backend-plugin:1.0", store.list().getFirst().source());
            assertEquals("1.1.0", store.update("org.example.backend", dir).version());
            assertEquals(1, store.list().size(), "updated in place");
            store.remove("org.example.backend");
            assertTrue(store.list().isEmpty());
        }
    }

    @Test
    void aWrongSha1OrAMissingArtifactInstallsNothing() throws Exception {
        try (FileServer s = new FileServer()) {
            byte[] jar = bundle("org.example.bad", "1.0.0");
            s.files.put("/maven2/org/example/bad/1.0/bad-1.0.jar", jar);
            s.files.put("/maven2/org/example/bad/1.0/bad-1.0.jar.sha1", "0".repeat(40).getBytes(StandardCharsets.US_ASCII));
            PluginStore store = store(s);
            IOException e = assertThrows(IOException.class, () -> store.install("mvn:org.example:bad:1.0", dir));
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            e = assertThrows(IOException.class, () -> store.install("mvn:org.example:none:1.0", dir));
            assertTrue(e.getMessage().contains("is not in"), e.getMessage());
            assertTrue(store.list().isEmpty());
            try (var files = Files.list(dir.resolve("deploy"))) {
                assertFalse(files.anyMatch(f -> f.toString().endsWith(".jar")), "no jar left behind");
            }
        }
    }

    @Test
    void aJarThatIsNotABundleIsRefused() throws Exception {
        Path jar = Files.write(dir.resolve("plain.jar"), bundle(null, "1"));
        try (FileServer s = new FileServer()) {
            IOException e = assertThrows(IOException.class, () -> store(s).install("plain.jar", dir));
            assertTrue(e.getMessage().contains("not an OSGi bundle"), e.getMessage());
        }
        assertTrue(Files.exists(jar));
    }
}
