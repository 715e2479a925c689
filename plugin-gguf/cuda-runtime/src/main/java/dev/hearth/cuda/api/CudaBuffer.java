package dev.hearth.cuda.api;

import java.lang.foreign.MemorySegment;

import jcuda.driver.CUdeviceptr;
import org.osgi.annotation.versioning.ProviderType;

/** Device memory. {@link #close()} frees it and is idempotent; use after close throws IllegalStateException. */
@ProviderType
public interface CudaBuffer extends AutoCloseable {

    long bytes();

    /** The device address, for kernel arguments. */
    CUdeviceptr pointer();

    /** A view {@code [offset, offset + bytes)} of this buffer; not owned, valid while this buffer is open. */
    CUdeviceptr pointer(long offset);

    /** Copies {@code src} (heap or native) to {@code [offset, offset + src.byteSize())}; synchronous. */
    void upload(MemorySegment src, long offset);

    /** Copies {@code [offset, offset + dst.byteSize())} into {@code dst}; synchronous. */
    void download(MemorySegment dst, long offset);

    /** Sets every byte to {@code value}; synchronous. */
    void fill(byte value);

    @Override
    void close();
}
