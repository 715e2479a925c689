package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hardware threads per core from a sysfs CPU tree laid out as Linux lays it out. */
class CpuCoresTest {

    @TempDir
    Path cpus;

    @Test
    void twoThreadsACoreOnTwoPackages() throws IOException {
        // 2 packages x 2 cores x 2 threads: cpu0-3 package 0, cpu4-7 package 1; core ids repeat across packages
        for (int cpu = 0; cpu < 8; cpu++) cpu(cpu, cpu / 4, cpu % 2);
        assertEquals(2, CpuCores.threadsPerCore(cpus));
    }

    @Test
    void oneThreadACoreAndOfflineProcessorsSkipped() throws IOException {
        for (int cpu = 0; cpu < 4; cpu++) cpu(cpu, 0, cpu);
        Files.createDirectories(cpus.resolve("cpu4")); // offline: no topology
        Files.createDirectories(cpus.resolve("cpufreq")); // not a processor
        assertEquals(1, CpuCores.threadsPerCore(cpus));
    }

    @Test
    void unreadableTopologyCountsEveryProcessorAsACore() throws IOException {
        assertEquals(1, CpuCores.threadsPerCore(cpus.resolve("missing")));
        Files.createDirectories(cpus.resolve("cpu0/topology"));
        Files.writeString(cpus.resolve("cpu0/topology/core_id"), "0\n"); // no physical_package_id
        assertEquals(1, CpuCores.threadsPerCore(cpus));
    }

    private void cpu(int cpu, int pkg, int core) throws IOException {
        Path topology = Files.createDirectories(cpus.resolve("cpu" + cpu).resolve("topology"));
        Files.writeString(topology.resolve("physical_package_id"), pkg + "\n");
        Files.writeString(topology.resolve("core_id"), core + "\n");
    }
}
