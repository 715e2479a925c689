package dev.hearth.safetensors.ort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.hearth.api.device.DeviceInfo;

/** Device descriptions for the providers; ONNX Runtime's Java API does not describe GPUs, so they are named only. */
final class OrtDevices {
    private OrtDevices() {}

    static DeviceInfo cpu() {
        return new DeviceInfo(DeviceInfo.Type.CPU, 0, cpuName(), Runtime.getRuntime().availableProcessors(), 0,
                -1, -1, "");
    }

    static DeviceInfo gpu(OrtProvider p, int index) {
        return new DeviceInfo(DeviceInfo.Type.GPU, index, p.label().toUpperCase(java.util.Locale.ROOT) + " device " + index,
                0, 0, -1, -1, "");
    }

    private static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
