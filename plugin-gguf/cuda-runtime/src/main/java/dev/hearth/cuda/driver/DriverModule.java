package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleGetGlobal;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.hearth.cuda.api.CudaException;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/** A module loaded with cuModuleLoadData. */
final class DriverModule implements CudaModule {

    private final DriverDevice device;
    private final String name;
    private final CUmodule module;
    private volatile boolean closed;

    DriverModule(DriverDevice device, String name, CUmodule module) {
        this.device = device;
        this.name = name;
        this.module = module;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CudaKernel kernel(String kernel) {
        if (closed) throw new IllegalStateException("module " + name + " is unloaded");
        device.makeCurrent();
        CUfunction f = new CUfunction();
        try {
            cuModuleGetFunction(f, module, kernel);
        } catch (jcuda.CudaException e) {
            throw new CudaException("module " + name + " has no kernel " + kernel + ": " + e.getMessage(), e);
        }
        return new DriverKernel(kernel, f);
    }

    @Override
    public byte[] readGlobal(String global) {
        if (closed) throw new IllegalStateException("module " + name + " is unloaded");
        device.makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        long[] size = new long[1];
        try {
            cuModuleGetGlobal(p, size, module, global);
        } catch (jcuda.CudaException e) {
            throw new CudaException("module " + name + " has no global " + global + ": " + e.getMessage(), e);
        }
        byte[] copy = new byte[Math.toIntExact(size[0])];
        cuMemcpyDtoH(Pointer.to(copy), p, size[0]);
        return copy;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        device.makeCurrent();
        cuModuleUnload(module);
    }
}
