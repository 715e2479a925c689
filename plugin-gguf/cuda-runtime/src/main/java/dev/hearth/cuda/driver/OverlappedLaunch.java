package dev.hearth.cuda.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/**
 * A programmatic dependent launch: {@code cuLaunchKernelEx} with the attribute that lets the kernel start before the
 * previous kernel on the stream has finished (compute capability 9.0 on). JCuda 12.6 has no binding for
 * {@code cuLaunchKernelEx}, so it is called through the FFM API on the driver library JCuda already loaded, with
 * JCuda's own function and stream handles. Layouts are cuda.h's for 64-bit Linux.
 */
final class OverlappedLaunch {

    /** CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION. */
    private static final int PROGRAMMATIC_STREAM_SERIALIZATION = 6;
    /** CUlaunchAttribute: id (4), pad (4), value union (64). */
    private static final long ATTRIBUTE_BYTES = 72;
    /** CUlaunchConfig: six grid/block dims and the shared bytes (7 x 4), pad, stream, attrs, numAttrs, pad. */
    private static final long CONFIG_BYTES = 56;

    private static final MethodHandle LAUNCH = bind();
    private static final Method NATIVE_POINTER = accessible(NativePointerObject.class, "getNativePointer");
    private static final Method BYTE_OFFSET = accessible(Pointer.class, "getByteOffset");

    private OverlappedLaunch() {
    }

    static void launch(String name, NativePointerObject function, NativePointerObject stream, int gridX, int gridY,
                       int blockX, int sharedBytes, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTRIBUTE_BYTES, 8);
            attr.set(ValueLayout.JAVA_INT, 0, PROGRAMMATIC_STREAM_SERIALIZATION);
            attr.set(ValueLayout.JAVA_INT, 8, 1);
            MemorySegment config = arena.allocate(CONFIG_BYTES, 8);
            int[] dims = {gridX, gridY, 1, blockX, 1, 1, sharedBytes};
            for (int i = 0; i < dims.length; i++) config.set(ValueLayout.JAVA_INT, 4L * i, dims[i]);
            config.set(ValueLayout.JAVA_LONG, 32, address(stream));
            config.set(ValueLayout.ADDRESS, 40, attr);
            config.set(ValueLayout.JAVA_INT, 48, 1);
            MemorySegment params = arena.allocate(ValueLayout.ADDRESS, args.length);
            for (int i = 0; i < args.length; i++) {
                MemorySegment v = arena.allocate(8, 8);
                switch (args[i]) {
                    case CudaBuffer b -> v.set(ValueLayout.JAVA_LONG, 0, address(b.pointer()));
                    case CUdeviceptr p -> v.set(ValueLayout.JAVA_LONG, 0, address(p));
                    case Integer x -> v.set(ValueLayout.JAVA_INT, 0, x);
                    case Long x -> v.set(ValueLayout.JAVA_LONG, 0, x);
                    case Float x -> v.set(ValueLayout.JAVA_FLOAT, 0, x);
                    default -> throw new IllegalArgumentException("kernel " + name + " argument " + i + ": "
                            + args[i].getClass().getName() + " is not a buffer, pointer, int, long or float");
                }
                params.setAtIndex(ValueLayout.ADDRESS, i, v);
            }
            int rc = (int) LAUNCH.invokeExact(config, MemorySegment.ofAddress(address(function)), params,
                    MemorySegment.NULL);
            if (rc != CUresult.CUDA_SUCCESS) {
                throw new CudaException("cuLaunchKernelEx(" + name + "): " + CUresult.stringFor(rc));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cuLaunchKernelEx(" + name + ") failed", t);
        }
    }

    /** The handle or device address JCuda passes to the driver for {@code p}. */
    private static long address(NativePointerObject p) {
        try {
            long base = (long) NATIVE_POINTER.invoke(p);
            return p instanceof Pointer ptr ? base + (long) BYTE_OFFSET.invoke(ptr) : base;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read JCuda's native handle", e);
        }
    }

    private static MethodHandle bind() {
        SymbolLookup driver = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        MemorySegment fn = driver.find("cuLaunchKernelEx")
                .orElseThrow(() -> new IllegalStateException("libcuda.so.1 has no cuLaunchKernelEx (driver older than CUDA 11.8)"));
        return Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    }

    private static Method accessible(Class<?> owner, String name) {
        try {
            Method m = owner.getDeclaredMethod(name);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JCuda " + owner.getName() + "." + name + " is missing", e);
        }
    }
}
