package dev.hearth.gguf.quantize;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.quant.GgmlQuantizer;
import dev.hearth.gguf.quant.QuantType;

/**
 * Quantizes whole tensors row by row on a fixed number of threads. One row type per call; each thread works on
 * its own chunk of rows with its own scratch row, writing into disjoint parts of the destination.
 *
 * <p>Types: F32, F16, BF16, Q8_0 and Q4_0 through {@link GgmlQuantizer} (the same rounding as ggml's reference
 * quantizers); Q4_K, Q5_K and Q6_K through {@link KQuantizer} (ggml's error-minimising search); Q5_0 and Q5_1
 * (llama.cpp's fallbacks for rows that are not a multiple of 256) here.
 */
public final class RowQuantizer implements AutoCloseable {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final String SUPPORTED = "F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K";

    private final int threads;
    private final ExecutorService pool;

    /** @param threads worker threads; 0 or less means one per core */
    public RowQuantizer(int threads) {
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "hearth-quantize");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() { return threads; }

    /** Whether {@link #quantizeRow} writes {@code type}. */
    public static boolean supports(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, Q5_0, Q5_1 -> true;
            default -> false;
        };
    }

    /** Quantizes {@code n} floats of {@code x} from {@code off} into {@code type.bytesFor(n)} bytes at {@code dst + at}. */
    public static void quantizeRow(GgmlType type, float[] x, int off, int n, MemorySegment dst, long at) {
        switch (type) {
            case Q5_0 -> quantizeQ5_0(x, off, n, dst, at);
            case Q5_1 -> quantizeQ5_1(x, off, n, dst, at);
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K ->
                    GgmlQuantizer.quantizeRow(QuantType.byId(type.id()), x, off, n, dst, at);
            default -> throw new IllegalArgumentException("cannot quantize to " + type + "; supported: " + SUPPORTED);
        }
    }

    /**
     * Writes {@code rows} rows of {@code n} elements from {@code source} into {@code dst} as {@code type}, in
     * parallel, and waits for all of them.
     */
    public void quantize(RowSource source, long rows, int n, GgmlType type, MemorySegment dst) throws InterruptedException {
        if (!supports(type)) {
            throw new IllegalArgumentException("cannot quantize to " + type + "; supported: " + SUPPORTED);
        }
        long rowBytes = type.bytesFor(n);
        if (dst.byteSize() < rows * rowBytes) {
            throw new IllegalArgumentException("destination of " + dst.byteSize() + " bytes for " + rows + " rows of "
                    + rowBytes);
        }
        // about four chunks per thread, so uneven rows even out
        long chunk = Math.max(1, (rows + threads * 4L - 1) / (threads * 4L));
        List<Future<?>> parts = new ArrayList<>();
        for (long r0 = 0; r0 < rows; r0 += chunk) {
            long start = r0;
            long end = Math.min(rows, r0 + chunk);
            parts.add(pool.submit(() -> {
                float[] buf = new float[n];
                for (long r = start; r < end; r++) {
                    source.row(r, buf);
                    quantizeRow(type, buf, 0, n, dst, r * rowBytes);
                }
            }));
        }
        try {
            for (Future<?> f : parts) f.get();
        } catch (ExecutionException e) {
            parts.forEach(f -> f.cancel(true));
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    // ---- Q5_0 / Q5_1: ggml's reference rounding ----------------------------------------------------------------

    /** Q5_0 (22 bytes per 32): fp16 d, uint8 qh[4] (fifth bits), qs[16]; the extreme maps to -16. */
    static void quantizeQ5_0(float[] x, int off, int n, MemorySegment dst, long at) {
        for (int b = 0; b < n / 32; b++) {
            int base = off + 32 * b;
            long block = at + 22L * b;
            float d = GgmlQuantizer.largestMagnitude(x, base, 32) / -16f;
            float id = d != 0 ? 1 / d : 0;
            dst.set(SHORT_LE, block, Float.floatToFloat16(d));
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(31, (int) (x[base + j] * id + 16.5f));
                int q1 = Math.min(31, (int) (x[base + j + 16] * id + 16.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 6 + j, (byte) ((q0 & 0xF) | (q1 & 0xF) << 4));
                qh |= ((q0 >>> 4) & 1) << j | ((q1 >>> 4) & 1) << (j + 16);
            }
            for (int i = 0; i < 4; i++) dst.set(ValueLayout.JAVA_BYTE, block + 2 + i, (byte) (qh >>> (8 * i)));
        }
    }

    /** Q5_1 (24 bytes per 32): fp16 d, fp16 m (the minimum), qh[4], qs[16]. */
    static void quantizeQ5_1(float[] x, int off, int n, MemorySegment dst, long at) {
        for (int b = 0; b < n / 32; b++) {
            int base = off + 32 * b;
            long block = at + 24L * b;
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < 32; j++) {
                min = Math.min(min, x[base + j]);
                max = Math.max(max, x[base + j]);
            }
            float d = (max - min) / 31f;
            float id = d != 0 ? 1 / d : 0;
            dst.set(SHORT_LE, block, Float.floatToFloat16(d));
            dst.set(SHORT_LE, block + 2, Float.floatToFloat16(min));
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int q0 = (int) ((x[base + j] - min) * id + 0.5f);
                int q1 = (int) ((x[base + j + 16] - min) * id + 0.5f);
                dst.set(ValueLayout.JAVA_BYTE, block + 8 + j, (byte) ((q0 & 0xF) | (q1 & 0xF) << 4));
                qh |= ((q0 >>> 4) & 1) << j | ((q1 >>> 4) & 1) << (j + 16);
            }
            for (int i = 0; i < 4; i++) dst.set(ValueLayout.JAVA_BYTE, block + 4 + i, (byte) (qh >>> (8 * i)));
        }
    }
}
