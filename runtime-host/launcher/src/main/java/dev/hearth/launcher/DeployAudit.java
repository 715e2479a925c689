package dev.hearth.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Finds the jars in {@code deploy/} that cannot be plugins: unreadable, not a zip, or without a
 * {@code Bundle-SymbolicName}. FileInstall skips such files without a word (it retries them at every poll), so the
 * host checks each new or changed jar once and names it with the reason.
 */
public final class DeployAudit {
    private final Path dir;
    /** What was last seen of each jar (size and time), so each version of a file is judged once. */
    private final Map<Path, String> seen = new HashMap<>();

    public DeployAudit(Path dir) {
        this.dir = dir;
    }

    /** One line per jar that is new or changed since the last scan and cannot be installed. */
    public synchronized List<String> scan() {
        List<String> problems = new ArrayList<>();
        Map<Path, String> now = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : ds) {
                String stamp = stamp(jar);
                now.put(jar, stamp);
                if (!stamp.equals(seen.get(jar))) {
                    String problem = problem(jar);
                    if (problem != null) {
                        problems.add("plugin " + jar.getFileName() + " in " + dir + " skipped: " + problem);
                    }
                }
            }
        } catch (IOException e) {
            // deploy/ missing or unreadable: FileInstall waits for it, so do we
            return List.of();
        }
        seen.clear();
        seen.putAll(now);
        return problems;
    }

    private static String stamp(Path jar) {
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            return a.size() + "@" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** Why {@code jar} cannot be a bundle, or null when it can. */
    static String problem(Path jar) {
        if (Files.isDirectory(jar)) {
            return null;
        }
        if (!Files.isReadable(jar)) {
            return "cannot read it (permission denied)";
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            if (m == null) {
                return "not an OSGi bundle (no META-INF/MANIFEST.MF)";
            }
            if (m.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return "not an OSGi bundle (no Bundle-SymbolicName in its manifest)";
            }
            return null;
        } catch (IOException | SecurityException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return "not a valid jar (" + msg + ")";
        }
    }
}
