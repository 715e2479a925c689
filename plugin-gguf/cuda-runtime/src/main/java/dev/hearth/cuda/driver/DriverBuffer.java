package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import dev.hearth.cuda.api.CudaBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/** Device memory from cuMemAlloc. */
final class DriverBuffer implements CudaBuffer {

    /** Copies go in pieces of at most this many bytes (ByteBuffer views are int-indexed). */
    private static final long PIECE = 1L << 30;

    private final DriverDevice device;
    private final CUdeviceptr ptr;
    private final long bytes;
    private final String owner;
    private volatile boolean closed;

    DriverBuffer(DriverDevice device, CUdeviceptr ptr, long bytes, String owner) {
        this.device = device;
        this.ptr = ptr;
        this.bytes = bytes;
        this.owner = owner;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public CUdeviceptr pointer() {
        check();
        return ptr;
    }

    @Override
    public CUdeviceptr pointer(long offset) {
        check();
        Objects.checkIndex(offset, bytes);
        return ptr.withByteOffset(offset);
    }

    @Override
    public void upload(MemorySegment src, long offset) {
        check();
        Objects.checkFromIndexSize(offset, src.byteSize(), bytes);
        device.makeCurrent();
        for (long done = 0; done < src.byteSize(); done += PIECE) {
            long n = Math.min(PIECE, src.byteSize() - done);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment piece = src.asSlice(done, n);
                if (!piece.isNative()) piece = a.allocate(n).copyFrom(piece);
                cuMemcpyHtoD(ptr.withByteOffset(offset + done), Pointer.to(piece.asByteBuffer()), n);
            }
        }
    }

    @Override
    public void download(MemorySegment dst, long offset) {
        check();
        Objects.checkFromIndexSize(offset, dst.byteSize(), bytes);
        device.makeCurrent();
        for (long done = 0; done < dst.byteSize(); done += PIECE) {
            long n = Math.min(PIECE, dst.byteSize() - done);
            MemorySegment piece = dst.asSlice(done, n);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment target = piece.isNative() ? piece : a.allocate(n);
                cuMemcpyDtoH(Pointer.to(target.asByteBuffer()), ptr.withByteOffset(offset + done), n);
                if (target != piece) piece.copyFrom(target);
            }
        }
    }

    @Override
    public void fill(byte value) {
        check();
        device.makeCurrent();
        cuMemsetD8(ptr, value, bytes);
    }

    private void check() {
        if (closed) throw new IllegalStateException("CUDA buffer of " + bytes + " bytes (" + owner + ") is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        device.makeCurrent();
        cuMemFree(ptr);
        device.released(owner, bytes);
    }
}
