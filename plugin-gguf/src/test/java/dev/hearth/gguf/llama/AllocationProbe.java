package dev.hearth.gguf.llama;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;

import com.sun.management.ThreadMXBean;
import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgufFile;

/**
 * The measurement of {@link GenerationAllocationTest}, run in a JVM of its own: passes over the context in batches of
 * {@code batch} tokens, each batch's last logits choosing the next tokens, until one pass allocates nothing in the
 * calling thread or the pool's. Prints {@code least=N}, the fewest bytes a pass allocated, or {@code unsupported}
 * where the JVM counts no bytes per thread.
 *
 * <p>Arguments: the model file, the batch size, {@code true} to repack the weights into row groups.
 */
public final class AllocationProbe {

    /** Positions a pass decodes: attention runs on the calling thread for the first 128, on the pool after. */
    static final int CONTEXT = 256;
    static final int PASSES = 20;

    private AllocationProbe() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            System.out.println("unsupported");
            return;
        }
        System.out.println("least=" + leastPerPass(Path.of(args[0]), Integer.parseInt(args[1]),
                Boolean.parseBoolean(args[2]), threads));
    }

    private static long leastPerPass(Path model, int batch, boolean rowGroups, ThreadMXBean threads) throws Exception {
        try (GgufFile file = GgufFile.open(model); WorkerPool pool = new WorkerPool(2);
             Arena arena = Arena.ofShared()) {
            LlamaConfig config = LlamaLoader.config(file);
            LlamaWeights weights = LlamaLoader.weights(file, config);
            if (rowGroups) weights = weights.repacked(arena, pool, 0, false);
            LlamaForward forward = new LlamaForward(config, weights, pool);
            LlamaState state = new LlamaState(config, CONTEXT, KvCacheType.F16);
            int[] tokens = new int[batch];
            Arrays.fill(tokens, 1);
            long[] ids = engineThreads();
            long least = Long.MAX_VALUE;
            for (int pass = 0; pass < PASSES && least > 0; pass++) {
                long before = allocated(threads, ids);
                for (int pos = 0; pos < CONTEXT; pos += batch) {
                    forward.forward(state, tokens, 0, batch, pos, batch - 1);
                    Arrays.fill(tokens, argmax(state.logits(batch - 1)));
                }
                least = Math.min(least, allocated(threads, ids) - before);
            }
            return least;
        }
    }

    /** The calling thread and the pool threads ({@code hearth-cpu-N}). */
    private static long[] engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t == Thread.currentThread() || t.getName().startsWith("hearth-cpu-"))
                .mapToLong(Thread::threadId).toArray();
    }

    /** Bytes the threads have allocated so far, read one thread at a time (the array form allocates its result). */
    private static long allocated(ThreadMXBean threads, long[] ids) {
        long sum = 0;
        for (long id : ids) sum += Math.max(0, threads.getThreadAllocatedBytes(id));
        return sum;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
