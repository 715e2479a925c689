package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.cuMemFreeHost;

import java.lang.foreign.MemorySegment;

import dev.hearth.cuda.api.CudaHostBuffer;
import jcuda.Pointer;

/** Page-locked host memory from cuMemAllocHost. */
final class DriverHostBuffer implements CudaHostBuffer {

    private final DriverDevice device;
    private final Pointer ptr;
    private final long bytes;
    private final MemorySegment segment;
    private volatile boolean closed;

    DriverHostBuffer(DriverDevice device, Pointer ptr, long bytes) {
        this.device = device;
        this.ptr = ptr;
        this.bytes = bytes;
        this.segment = MemorySegment.ofBuffer(ptr.getByteBuffer(0, bytes));
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public Pointer pointer() {
        check();
        return ptr;
    }

    @Override
    public MemorySegment segment() {
        check();
        return segment;
    }

    private void check() {
        if (closed) throw new IllegalStateException("page-locked buffer of " + bytes + " bytes is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        device.makeCurrent();
        cuMemFreeHost(ptr);
    }
}
