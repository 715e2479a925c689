package dev.hearth.gguf.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * How many hardware threads share a core, from Linux's CPU topology in sysfs. The engine runs one pool thread per
 * core, as llama.cpp does: a second thread on a core's other hardware thread shares its vector units and caches,
 * and a thread that spins at the pool's barriers there takes issue slots from its sibling that is still working.
 */
final class CpuCores {

    static final Path SYSFS_CPUS = Path.of("/sys/devices/system/cpu");

    private CpuCores() {
    }

    /**
     * Online processors per physical core ({@code cpuN/topology/physical_package_id} and {@code core_id}), or 1
     * where the topology cannot be read (other systems, restricted containers).
     */
    static int threadsPerCore(Path cpus) {
        int processors = 0;
        Set<String> cores = new HashSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cpus, "cpu[0-9]*")) {
            for (Path cpu : dirs) {
                Path topology = cpu.resolve("topology");
                if (!Files.isDirectory(topology)) continue; // offline processors have none
                cores.add(Files.readString(topology.resolve("physical_package_id")).trim() + ":"
                        + Files.readString(topology.resolve("core_id")).trim());
                processors++;
            }
        } catch (IOException | RuntimeException e) {
            return 1;
        }
        return cores.isEmpty() ? 1 : Math.max(1, processors / cores.size());
    }
}
