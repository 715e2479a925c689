package dev.hearth.cuda.api;

import jcuda.Pointer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A CUDA stream with graph capture: {@link #beginCapture()}, the launches of one step, {@link #endCapture()}, then
 * {@link CudaGraph#launch} once per step, so the host pays one launch per step instead of one per kernel.
 */
@ProviderType
public interface CudaStream extends AutoCloseable {

    /** Asynchronous host-to-device copy from page-locked memory. */
    void copyToDevice(CudaBuffer dst, long dstOffset, Pointer src, long bytes);

    /** Asynchronous device-to-host copy into page-locked memory. */
    void copyToHost(Pointer dst, CudaBuffer src, long srcOffset, long bytes);

    /** Waits for everything enqueued so far. */
    void synchronize();

    /**
     * While on, each kernel launched on this stream may start before the kernel launched before it has finished
     * (programmatic dependent launch, on devices of compute capability 9.0 and later; elsewhere launches are
     * unchanged). Such kernels must wait for their predecessor (griddepcontrol.wait) before they read or write
     * anything it touches.
     */
    void overlapLaunches(boolean on);

    /** Starts recording this stream's work into a graph instead of running it. */
    void beginCapture();

    /** Ends the recording and instantiates it. */
    CudaGraph endCapture();

    @Override
    void close();
}
