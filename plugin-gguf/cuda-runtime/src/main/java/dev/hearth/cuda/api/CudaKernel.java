package dev.hearth.cuda.api;

import org.osgi.annotation.versioning.ProviderType;

/** A kernel of a {@link CudaModule}. */
@ProviderType
public interface CudaKernel {

    String name();

    /**
     * Enqueues the kernel on {@code stream}. Arguments in the kernel's order: {@link CudaBuffer} or
     * {@code jcuda.driver.CUdeviceptr} for pointers, {@link Integer}, {@link Long}, {@link Float} for scalars.
     */
    void launch(CudaStream stream, int gridX, int gridY, int blockX, int sharedBytes, Object... args);
}
