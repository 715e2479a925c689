package dev.hearth.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Where a benchmark ran, recorded with every report so numbers can be compared honestly.
 *
 * @param timestamp      ISO-8601 start of the run
 * @param gitCommit      commit of the Hearth build: {@code git rev-parse HEAD} in the working folder, else the
 *                       build-time property, else {@code unknown}
 * @param hearthVersion  version of this plugin
 * @param jdk            vendor, version and VM name
 * @param jvmFlags       the JVM's input arguments
 * @param os             name, version, architecture
 * @param cpuModel       {@code model name} from /proc/cpuinfo, else the architecture
 * @param cpuCores       processors the JVM sees
 * @param memoryBytes    total physical memory, -1 when unknown
 * @param gpus           GPU name and driver of each GPU backend's device
 * @param backendVersions backend id to version
 */
public record Environment(String timestamp, String gitCommit, String hearthVersion, String jdk,
                          List<String> jvmFlags, String os, String cpuModel, int cpuCores, long memoryBytes,
                          List<String> gpus, Map<String, String> backendVersions) {

    public Environment {
        jvmFlags = List.copyOf(jvmFlags);
        gpus = List.copyOf(gpus);
        backendVersions = Map.copyOf(backendVersions);
    }

    /** Looks at this machine and JVM now. */
    public static Environment capture(Path workingDirectory, List<String> gpus, Map<String, String> backendVersions) {
        Properties build = buildProperties();
        return new Environment(Instant.now().toString(),
                gitCommit(workingDirectory, build.getProperty("git.commit", "unknown")),
                build.getProperty("version", "unknown"),
                System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version", "?") + " ("
                        + System.getProperty("java.vm.name") + ")",
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                readCpuModel(), Runtime.getRuntime().availableProcessors(), readMemoryBytes(), gpus, backendVersions);
    }

    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = Environment.class.getResourceAsStream(Scenarios.RESOURCE_DIR + "build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // no build facts: the fields say unknown
        }
        return p;
    }

    static String gitCommit(Path dir, String fallback) {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(dir.toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(200);
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String s = new String(out, StandardCharsets.US_ASCII).strip();
                if (s.matches("[0-9a-f]{40}")) return s;
            }
            p.destroy();
        } catch (IOException e) {
            // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fallback;
    }

    static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    /** {@code MemTotal} of /proc/meminfo (not com.sun.management, which a bundle may not see), -1 elsewhere. */
    private static long readMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    String v = line.substring(9).strip();
                    return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
