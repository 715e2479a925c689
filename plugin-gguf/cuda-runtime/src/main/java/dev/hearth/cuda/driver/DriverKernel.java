package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaStream;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/** A kernel; arguments are packed into the driver's parameter array at each launch. */
final class DriverKernel implements CudaKernel {

    private final String name;
    private final CUfunction function;

    DriverKernel(String name, CUfunction function) {
        this.name = name;
        this.function = function;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void launch(CudaStream stream, int gridX, int gridY, int blockX, int sharedBytes, Object... args) {
        DriverStream ds = (DriverStream) stream;
        if (ds.overlapping()) {
            OverlappedLaunch.launch(name, function, ds.handle(), gridX, gridY, blockX, sharedBytes, args);
            return;
        }
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case CudaBuffer b -> Pointer.to(b.pointer());
                case CUdeviceptr p -> Pointer.to(p);
                case Integer v -> Pointer.to(new int[] {v});
                case Long v -> Pointer.to(new long[] {v});
                case Float v -> Pointer.to(new float[] {v});
                default -> throw new IllegalArgumentException("kernel " + name + " argument " + i + ": "
                        + args[i].getClass().getName() + " is not a buffer, pointer, int, long or float");
            };
        }
        cuLaunchKernel(function, gridX, gridY, 1, blockX, 1, 1, sharedBytes, ds.handle(),
                Pointer.to(params), null);
    }
}
