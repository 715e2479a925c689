package dev.hearth.cuda.api;

import org.osgi.annotation.versioning.ProviderType;

/** A loaded PTX module. {@link #close()} unloads it and is idempotent. */
@ProviderType
public interface CudaModule extends AutoCloseable {

    String name();

    /** The kernel {@code extern "C"} named {@code name}; throws {@link CudaException} naming it when absent. */
    CudaKernel kernel(String name);

    /**
     * A copy of the module-scope {@code __device__} variable {@code name} (for tools that read what kernels
     * recorded); throws {@link CudaException} naming it when absent.
     */
    byte[] readGlobal(String name);

    @Override
    void close();
}
