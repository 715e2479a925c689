package dev.hearth.cuda.api;

import java.lang.foreign.MemorySegment;

import jcuda.Pointer;
import org.osgi.annotation.versioning.ProviderType;

/** Page-locked host memory. {@link #close()} frees it and is idempotent. */
@ProviderType
public interface CudaHostBuffer extends AutoCloseable {

    long bytes();

    Pointer pointer();

    /** The memory as a segment, for reading and writing from Java; invalid after close. */
    MemorySegment segment();

    @Override
    void close();
}
