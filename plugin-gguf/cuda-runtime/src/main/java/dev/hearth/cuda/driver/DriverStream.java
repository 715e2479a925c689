package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.*;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaGraph;
import dev.hearth.cuda.api.CudaStream;
import jcuda.Pointer;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;

/** A non-blocking stream. */
final class DriverStream implements CudaStream {

    private final DriverDevice device;
    private final CUstream stream;
    private volatile boolean closed;
    private volatile boolean overlap;

    DriverStream(DriverDevice device, CUstream stream) {
        this.device = device;
        this.stream = stream;
    }

    CUstream handle() {
        if (closed) throw new IllegalStateException("CUDA stream is closed");
        return stream;
    }

    /** Whether kernels launched now go through {@link OverlappedLaunch}. */
    boolean overlapping() {
        return overlap;
    }

    @Override
    public void overlapLaunches(boolean on) {
        overlap = on && device.computeCapability() >= 90;
    }

    @Override
    public void copyToDevice(CudaBuffer dst, long dstOffset, Pointer src, long bytes) {
        cuMemcpyHtoDAsync(dst.pointer(dstOffset), src, bytes, handle());
    }

    @Override
    public void copyToHost(Pointer dst, CudaBuffer src, long srcOffset, long bytes) {
        cuMemcpyDtoHAsync(dst, src.pointer(srcOffset), bytes, handle());
    }

    @Override
    public void synchronize() {
        device.makeCurrent();
        cuStreamSynchronize(handle());
    }

    @Override
    public void beginCapture() {
        device.makeCurrent();
        cuStreamBeginCapture(handle(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
    }

    @Override
    public CudaGraph endCapture() {
        CUgraph graph = new CUgraph();
        cuStreamEndCapture(handle(), graph);
        CUgraphExec exec = new CUgraphExec();
        try {
            cuGraphInstantiate(exec, graph, 0);
        } finally {
            cuGraphDestroy(graph);
        }
        return new DriverGraph(device, exec);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        device.makeCurrent();
        cuStreamDestroy(stream);
    }
}
