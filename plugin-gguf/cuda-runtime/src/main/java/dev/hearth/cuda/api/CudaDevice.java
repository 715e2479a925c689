package dev.hearth.cuda.api;

import dev.hearth.api.device.DeviceInfo;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One NVIDIA GPU and its primary context, registered as a service with the properties {@code hearth.device.type=GPU}
 * and {@code hearth.device.index}. Every method makes the context current on the calling thread first. Memory is
 * accounted per owner label, so a bundle can show (and a test can check) that it freed every byte.
 */
@ProviderType
public interface CudaDevice {

    /** Service property: the device's CUDA ordinal. */
    String PROP_INDEX = "hearth.device.index";

    /** Service property: the device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    String PROP_NAME = "cuda.device.name";

    int index();

    String name();

    /** Compute capability as {@code major * 10 + minor}, e.g. 90 for Hopper. */
    int computeCapability();

    int multiprocessors();

    long totalMemory();

    /** Free device memory now, as the driver reports it. */
    long freeMemory();

    /** Driver version, e.g. {@code 13.0}. */
    String driverVersion();

    DeviceInfo info();

    /** Binds this device's context to the calling thread (engines call it once per batch of launches). */
    void makeCurrent();

    /** Device memory of {@code bytes}, charged to {@code owner}; throws {@link CudaException} with sizes on failure. */
    CudaBuffer allocate(long bytes, String owner);

    /** Page-locked host memory of {@code bytes}, for asynchronous copies. */
    CudaHostBuffer allocateHost(long bytes, String owner);

    /** Bytes of device memory currently allocated through this service by {@code owner}. */
    long allocatedBytes(String owner);

    /** Loads a module from PTX text (NUL-terminated by this method); the driver JIT-compiles it for this GPU. */
    CudaModule loadModule(String name, byte[] ptx);

    CudaStream createStream();
}
