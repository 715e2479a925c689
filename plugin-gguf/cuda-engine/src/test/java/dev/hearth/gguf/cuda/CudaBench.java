package dev.hearth.gguf.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.gguf.GgufModelFormat;

/**
 * Speed of {@code gguf-cuda} on TinyLlama-1.1B-shaped random models, measured as llama-bench does: pp512 (one
 * 512-token prompt into an empty cache) and tg128 (128 single-token steps from an empty cache, greedy on the GPU).
 * Median of 5 runs after a warm-up. Usage: {@code CudaBench DIR [QUANT...]}; writes the models into DIR. tg128 is
 * measured with the fused, overlapped decode launches and, in the same session, with one kernel per op ("unfused")
 * and with the fused kernels launched one after another ("sequential").
 * {@code -Dhearth.bench.gpuLayers=N}: a partial offload (the CPU engine runs the other layers and the head);
 * {@code -Dhearth.bench.runs=R}: runs other than 5.
 */
public final class CudaBench {

    private CudaBench() {
    }

    public static void main(String[] args) throws Exception {
        int gpuLayers = Integer.getInteger("hearth.bench.gpuLayers", -1);
        int runs = Integer.getInteger("hearth.bench.runs", 5);
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        String[] quants = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"Q4_K_M", "Q8_0", "F16"};
        CudaDevice device = CudaTestDevice.get();
        System.out.println("device: " + device.info().label() + ", " + device.info().driver() + ", "
                + device.multiprocessors() + " SMs");
        StringBuilder table = new StringBuilder(
                "| model | size MiB | pp512 t/s | tg128 t/s | tg128 t/s unfused | tg128 t/s sequential |\n|---|---|---|---|---|---|\n");
        for (String q : quants) {
            Path file = dir.resolve("tinyllama-1.1b-random-" + q + ".gguf");
            long t0 = System.nanoTime();
            if (!Files.exists(file)) SynthGguf.writeTinyLlama(file, q);
            long t1 = System.nanoTime();
            ModelDescription d = new GgufModelFormat().describe(file);
            GgufCudaBackend backend = new GgufCudaBackend(device);
            try (LoadedModel m = backend.load(d, LoadOptions.defaults().withContextLength(1024).withGpuLayers(gpuLayers));
                 Session s = m.newSession()) {
                long t2 = System.nanoTime();
                CudaSession cs = (CudaSession) s;
                int[] prompt = new SplittableRandom(7).ints(512, 3, 32000).toArray();
                double[] pp = new double[runs];
                double[] tg = new double[runs];
                double[] tgUnfused = new double[runs];
                double[] tgSequential = new double[runs];
                for (int r = -1; r < runs; r++) { // r = -1: warm-up (captures the graphs)
                    s.reset();
                    long a = System.nanoTime();
                    s.evaluate(prompt, 0, prompt.length, Session.LogitsMode.LAST, (i, l) -> { });
                    long b = System.nanoTime();
                    s.reset();
                    int next = 1;
                    long c = System.nanoTime();
                    for (int i = 0; i < 128; i++) next = cs.nextGreedy(next);
                    long e = System.nanoTime();
                    s.reset();
                    cs.fusedDecode(false);
                    next = 1;
                    long f = System.nanoTime();
                    for (int i = 0; i < 128; i++) next = cs.nextGreedy(next);
                    long g = System.nanoTime();
                    cs.fusedDecode(true);
                    s.reset();
                    boolean sequential = overlap(cs, false);
                    next = 1;
                    long h = System.nanoTime();
                    for (int i = 0; i < 128; i++) next = cs.nextGreedy(next);
                    long j = System.nanoTime();
                    overlap(cs, true);
                    if (r >= 0) {
                        tgUnfused[r] = 128 / ((g - f) / 1e9);
                        tgSequential[r] = sequential ? 128 / ((j - h) / 1e9) : Double.NaN;
                        pp[r] = 512 / ((b - a) / 1e9);
                        tg[r] = 128 / ((e - c) / 1e9);
                    }
                }
                Arrays.sort(pp);
                Arrays.sort(tg);
                Arrays.sort(tgUnfused);
                Arrays.sort(tgSequential);
                System.out.printf("%s (gpu layers %d): synth %.1f s, load %.2f s, pp512 %s, tg128 %s, unfused %s, sequential %s%n", q,
                        gpuLayers, (t1 - t0) / 1e9, (t2 - t1) / 1e9, Arrays.toString(round(pp)), Arrays.toString(round(tg)),
                        Arrays.toString(round(tgUnfused)), Arrays.toString(round(tgSequential)));
                table.append(String.format("| TinyLlama-1.1B-shaped %s | %.0f | %.0f | %.0f | %.0f | %.0f |%n", q,
                        Files.size(file) / 1048576.0, pp[runs / 2], tg[runs / 2], tgUnfused[runs / 2], tgSequential[runs / 2]));
            }
        }
        System.out.print(table);
    }

    /** Overlapped decode on or off, where this build of the engine has the switch (a CLASSES baseline may not). */
    private static boolean overlap(CudaSession cs, boolean on) {
        try {
            cs.overlappedDecode(on);
            return true;
        } catch (NoSuchMethodError e) {
            return false;
        }
    }

    private static double[] round(double[] v) {
        return Arrays.stream(v).map(Math::rint).toArray();
    }
}
