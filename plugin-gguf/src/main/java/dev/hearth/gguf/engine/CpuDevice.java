package dev.hearth.gguf.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.hearth.api.device.DeviceInfo;
import jdk.incubator.vector.FloatVector;

/** Describes the CPU this process runs on, from {@code /proc} where available. */
public final class CpuDevice {

    private CpuDevice() {
    }

    /** The CPU, with the cores a model uses by default ({@link WorkerPool#defaultThreads()}). */
    public static DeviceInfo describe() {
        return new DeviceInfo(DeviceInfo.Type.CPU, 0, modelName(), WorkerPool.defaultThreads(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), meminfo("MemTotal:"), meminfo("MemAvailable:"), "");
    }

    private static String modelName() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        }
        return System.getProperty("os.arch");
    }

    /** A /proc/meminfo field in bytes, or -1. */
    private static long meminfo(String field) {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return -1;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
