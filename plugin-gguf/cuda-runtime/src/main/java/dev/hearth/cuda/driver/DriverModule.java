package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.hearth.cuda.api.CudaException;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
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
    public void close() {
        if (closed) return;
        closed = true;
        device.makeCurrent();
        cuModuleUnload(module);
    }
}
