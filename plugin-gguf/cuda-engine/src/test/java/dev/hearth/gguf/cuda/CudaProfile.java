package dev.hearth.gguf.cuda;

import java.nio.file.Path;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.gguf.GgufModelFormat;

/**
 * A few decode steps of one model for a kernel profiler (Nsight Compute with graph nodes profiled one by one):
 * {@code CudaProfile FILE STEPS}; runs STEPS fused steps, then STEPS one-kernel-per-op steps, from an empty cache.
 */
public final class CudaProfile {

    private CudaProfile() {
    }

    public static void main(String[] args) throws Exception {
        ModelDescription d = new GgufModelFormat().describe(Path.of(args[0]));
        int steps = Integer.parseInt(args[1]);
        try (LoadedModel m = new GgufCudaBackend(CudaTestDevice.get()).load(d,
                LoadOptions.defaults().withContextLength(1024));
             Session s = m.newSession()) {
            CudaSession cs = (CudaSession) s;
            for (boolean fused : new boolean[] {true, false}) {
                s.reset();
                cs.fusedDecode(fused);
                int next = 1;
                long a = System.nanoTime();
                for (int i = 0; i < steps; i++) next = cs.nextGreedy(next);
                System.out.printf("fused=%s: %d steps in %.2f ms, last token %d%n", fused, steps,
                        (System.nanoTime() - a) / 1e6, next);
            }
        }
    }
}
