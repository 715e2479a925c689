package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;

import com.sun.management.ThreadMXBean;
import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.quant.RowGroups;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A forward pass allocates nothing once the JIT has compiled it (#8), decoding or over a prompt batch: the products,
 * the steps between them and what the pool's threads run are objects made once per state. A lambda capturing a
 * product's arguments, handed to the pool, is allocated on every product whatever the JIT does, since the pool keeps
 * it in a field; this test sees such allocations in the JVM's per-thread counters of the calling thread and the
 * pool's threads.
 *
 * <p>Until C2 has compiled the vector kernels they allocate their vectors, so the test runs over the context again
 * and again and passes on the first pass that allocates nothing; it fails if no pass of {@value #PASSES} does.
 */
class GenerationAllocationTest {

    /** Positions a pass decodes: attention runs on the calling thread for the first 128, on the pool after. */
    private static final int CONTEXT = 256;
    private static final int PASSES = 20;
    private static final String Q4_K_M = "llama-mini-Q4_K_M";
    private static final String Q8_0 = "llama-mini-Q8_0";
    private static final String F16 = "llama-mini-F16";

    /** F16 rows through the single-token kernel of this CPU. */
    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, F16})
    void decodingATokenAllocatesNothingOnceCompiled(String model) throws Exception {
        assertPassesAllocateNothing(model, 1, false);
    }

    /** Single tokens over row groups take their own kernels ({@link LlamaWeights#repacked}). */
    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, Q8_0})
    void decodingOverRowGroupsAllocatesNothingOnceCompiled(String model) throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        assertPassesAllocateNothing(model, 1, true);
    }

    /**
     * Prompt batches take the other paths: activations made once a row, rows decoded once for the batch (K-quant
     * tiles of 4 rows, F16 float tiles of 16).
     */
    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, F16})
    void aPromptBatchAllocatesNothingOnceCompiled(String model) throws Exception {
        assertPassesAllocateNothing(model, 8, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, Q8_0})
    void aPromptBatchOverRowGroupsAllocatesNothingOnceCompiled(String model) throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        assertPassesAllocateNothing(model, 8, true);
    }

    /**
     * Runs passes over the context in batches of {@code batch} tokens, each batch's last logits choosing the next
     * tokens, until one pass allocates nothing in the calling thread or the pool's.
     */
    private static void assertPassesAllocateNothing(String name, int batch, boolean rowGroups) throws Exception {
        Path model = SharedData.file("models/llama-mini/" + name + ".gguf");
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        try (GgufFile file = GgufFile.open(model); WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
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
            assertEquals(0, least, "fewest bytes allocated in a pass of " + CONTEXT + " tokens in batches of " + batch
                    + " over " + PASSES + " passes, by the calling thread and the pool's");
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
