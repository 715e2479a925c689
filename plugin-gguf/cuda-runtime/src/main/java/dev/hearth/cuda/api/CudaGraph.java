package dev.hearth.cuda.api;

import org.osgi.annotation.versioning.ProviderType;

/** An instantiated CUDA graph. {@link #close()} destroys it and is idempotent. */
@ProviderType
public interface CudaGraph extends AutoCloseable {

    /** Enqueues one run of the graph on {@code stream}. */
    void launch(CudaStream stream);

    @Override
    void close();
}
