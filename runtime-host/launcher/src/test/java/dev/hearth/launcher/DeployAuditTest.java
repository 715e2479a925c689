package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployAuditTest {
    @TempDir
    Path deploy;

    private Path jar(String name, String bsn) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        }
        Path p = deploy.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return p;
    }

    @Test
    void namesEachBadJarOnceWithTheReason() throws IOException {
        jar("good.jar", "dev.hearth.good");
        jar("plain.jar", null);
        Files.writeString(deploy.resolve("garbage.jar"), "not a zip");
        Files.writeString(deploy.resolve("notes.txt"), "ignored");
        DeployAudit audit = new DeployAudit(deploy);

        List<String> lines = audit.scan();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("garbage.jar") && l.contains("not a valid jar")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("plain.jar") && l.contains("no Bundle-SymbolicName")),
                lines.toString());
        assertEquals(List.of(), audit.scan(), "reported once");
    }

    @Test
    void aReplacedJarIsJudgedAgain() throws IOException {
        Path p = deploy.resolve("x.jar");
        Files.writeString(p, "bad");
        DeployAudit audit = new DeployAudit(deploy);
        assertEquals(1, audit.scan().size());
        Files.writeString(p, "still bad, longer");
        assertEquals(1, audit.scan().size());
        Files.delete(p);
        jar("x.jar", "dev.hearth.x");
        assertEquals(List.of(), audit.scan());
    }

    @Test
    void missingFolderIsNotAnError() {
        assertEquals(List.of(), new DeployAudit(deploy.resolve("absent")).scan());
    }
}
