package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;

import dev.hearth.cuda.api.CudaGraph;
import dev.hearth.cuda.api.CudaStream;
import jcuda.driver.CUgraphExec;

/** An instantiated graph. */
final class DriverGraph implements CudaGraph {

    private final DriverDevice device;
    private final CUgraphExec exec;
    private volatile boolean closed;

    DriverGraph(DriverDevice device, CUgraphExec exec) {
        this.device = device;
        this.exec = exec;
    }

    @Override
    public void launch(CudaStream stream) {
        if (closed) throw new IllegalStateException("CUDA graph is closed");
        cuGraphLaunch(exec, ((DriverStream) stream).handle());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        device.makeCurrent();
        cuGraphExecDestroy(exec);
    }
}
