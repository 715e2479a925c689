package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.hearth.api.device.DeviceInfo;
import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.cuda.api.CudaHostBuffer;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/** A GPU with its retained primary context; {@link #close()} releases the context. */
public final class DriverDevice implements CudaDevice, AutoCloseable {

    private final int index;
    private final CUdevice device;
    private final CUcontext context = new CUcontext();
    private final String name;
    private final String driver;
    private final int computeCapability;
    private final int multiprocessors;
    private final long totalMemory;
    private final Map<String, AtomicLong> allocated = new ConcurrentHashMap<>();
    private volatile boolean closed;

    DriverDevice(int index, CUdevice device, String driver) {
        this.index = index;
        this.device = device;
        this.driver = driver;
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, device);
        int len = 0;
        while (len < nameBytes.length && nameBytes[len] != 0) len++;
        this.name = new String(nameBytes, 0, len, StandardCharsets.UTF_8);
        this.computeCapability = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        long[] total = {0};
        cuDeviceTotalMem(total, device);
        this.totalMemory = total[0];
        cuDevicePrimaryCtxRetain(context, device);
    }

    private int attribute(int attr) {
        int[] v = {0};
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int computeCapability() {
        return computeCapability;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public long totalMemory() {
        return totalMemory;
    }

    @Override
    public long freeMemory() {
        makeCurrent();
        long[] free = {0};
        long[] total = {0};
        cuMemGetInfo(free, total);
        return free[0];
    }

    @Override
    public String driverVersion() {
        return driver;
    }

    @Override
    public DeviceInfo info() {
        long free = closed ? 0 : freeMemory();
        return new DeviceInfo(DeviceInfo.Type.GPU, index, name, multiprocessors, 0, totalMemory, free,
                "CUDA driver " + driver + ", compute " + computeCapability / 10 + "." + computeCapability % 10);
    }

    @Override
    public void makeCurrent() {
        if (closed) throw new IllegalStateException("CUDA device " + index + " is closed");
        cuCtxSetCurrent(context);
    }

    @Override
    public CudaBuffer allocate(long bytes, String owner) {
        if (bytes <= 0) throw new IllegalArgumentException("allocation of " + bytes + " bytes for " + owner);
        makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            throw new dev.hearth.cuda.api.CudaException("GPU " + index + ": cannot allocate " + mib(bytes) + " for "
                    + owner + " (" + mib(freeMemory()) + " free of " + mib(totalMemory) + "): " + e.getMessage(), e);
        }
        counter(owner).addAndGet(bytes);
        return new DriverBuffer(this, p, bytes, owner);
    }

    @Override
    public CudaHostBuffer allocateHost(long bytes, String owner) {
        makeCurrent();
        Pointer p = new Pointer();
        cuMemAllocHost(p, bytes);
        return new DriverHostBuffer(this, p, bytes);
    }

    void released(String owner, long bytes) {
        counter(owner).addAndGet(-bytes);
    }

    private AtomicLong counter(String owner) {
        return allocated.computeIfAbsent(owner, o -> new AtomicLong());
    }

    @Override
    public long allocatedBytes(String owner) {
        AtomicLong c = allocated.get(owner);
        return c == null ? 0 : c.get();
    }

    @Override
    public CudaModule loadModule(String moduleName, byte[] ptx) {
        makeCurrent();
        byte[] z = ptx.length > 0 && ptx[ptx.length - 1] == 0 ? ptx : Arrays.copyOf(ptx, ptx.length + 1);
        CUmodule m = new CUmodule();
        try {
            cuModuleLoadData(m, z);
        } catch (CudaException e) {
            throw new dev.hearth.cuda.api.CudaException("GPU " + index + ": cannot load PTX module " + moduleName
                    + ": " + e.getMessage(), e);
        }
        return new DriverModule(this, moduleName, m);
    }

    @Override
    public CudaStream createStream() {
        makeCurrent();
        CUstream s = new CUstream();
        cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING);
        return new DriverStream(this, s);
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        cuDevicePrimaryCtxRelease(device);
    }
}
