package dev.hearth.cuda.driver;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Finds the NVIDIA GPUs of this machine through the driver API. Where there is no driver or no GPU it returns no
 * device and reports exactly one line; where there are GPUs, one line naming them. Never throws for a missing GPU.
 */
public final class CudaDiscovery {

    private CudaDiscovery() {
    }

    /** The usable devices, each with its primary context retained; the caller closes them. */
    public static List<DriverDevice> discover(Consumer<String> log) {
        int count;
        String driver;
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] n = {0};
            cuDeviceGetCount(n);
            count = n[0];
            int[] v = {0};
            cuDriverGetVersion(v);
            driver = (v[0] / 1000) + "." + (v[0] % 1000) / 10;
        } catch (LinkageError e) {
            log.accept("CUDA: no NVIDIA driver on this machine (" + firstLine(e) + "); no GPU devices registered");
            return List.of();
        } catch (RuntimeException e) {
            log.accept("CUDA: driver present but unusable (" + firstLine(e) + "); no GPU devices registered");
            return List.of();
        }
        if (count == 0) {
            log.accept("CUDA: driver " + driver + " found no GPU; no GPU devices registered");
            return List.of();
        }
        List<DriverDevice> devices = new ArrayList<>();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < count; i++) {
            try {
                CUdevice d = new CUdevice();
                cuDeviceGet(d, i);
                DriverDevice dev = new DriverDevice(i, d, driver);
                devices.add(dev);
                names.append(names.isEmpty() ? "" : ", ").append(dev.info().label());
            } catch (RuntimeException e) {
                names.append(names.isEmpty() ? "" : ", ").append("GPU ").append(i).append(" unusable: ")
                        .append(firstLine(e));
            }
        }
        log.accept("CUDA: driver " + driver + ", " + devices.size() + " device(s): " + names);
        return devices;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }
}
