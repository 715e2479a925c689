package dev.hearth.api.device;

/**
 * A compute device a backend runs on.
 *
 * @param type        CPU or GPU
 * @param index       device index among devices of this type
 * @param name        CPU model or GPU name
 * @param cores       CPU cores used, or GPU multiprocessors
 * @param simdBits    widest vector width the engine uses, in bits (0 for GPUs and engines that do not say)
 * @param memoryTotal bytes of memory the device has (RAM or GPU memory)
 * @param memoryFree  bytes free when described
 * @param driver      driver or runtime version, empty for CPUs
 */
public record DeviceInfo(Type type, int index, String name, int cores, int simdBits,
                         long memoryTotal, long memoryFree, String driver) {

    public enum Type { CPU, GPU }

    /** Short label such as {@code CPU (16 cores, 512-bit SIMD)} or {@code GPU 0: NVIDIA H100}. */
    public String label() {
        return switch (type) {
            case CPU -> "CPU (" + cores + " cores" + (simdBits > 0 ? ", " + simdBits + "-bit SIMD" : "") + ")";
            case GPU -> "GPU " + index + ": " + name;
        };
    }
}
