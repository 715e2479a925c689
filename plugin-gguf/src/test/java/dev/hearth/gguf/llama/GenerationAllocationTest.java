package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quant.RowGroups;
import dev.hearth.gguf.quant.TokenPanel;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A forward pass allocates nothing once the JIT has compiled it (#8), decoding or over a prompt batch: the products,
 * the steps between them and what the pool's threads run are objects made once per state. A lambda capturing a
 * product's arguments, handed to the pool, is allocated on every product whatever the JIT does, since the pool keeps
 * it in a field; {@link AllocationProbe} sees such allocations in the JVM's per-thread counters of the calling thread
 * and the pool's threads. Until C2 has compiled the vector kernels they allocate their vectors, so the probe runs
 * over the context again and again and reports the pass that allocated least.
 *
 * <p>Each case runs in fresh JVMs, and passes when one of {@value #JVMS} has a pass that allocates nothing. In about
 * one process in twenty, C2 compiles a Vector API kernel so that it allocates its vectors for as long as the process
 * lives: the JDK inlines the calls on a vector by the receiver profiles of its own methods, which all kernels of a
 * process share (docs/perf.md, "Why a kernel at times allocates"; no JVM flag prevents it). A fresh JVM compiles
 * anew; an allocation in the engine's own code shows in every JVM and still fails the test. A JVM per case also
 * keeps one case's kernels out of the next one's profiles.
 */
class GenerationAllocationTest {

    private static final int JVMS = 3;
    private static final String Q4_K_M = "llama-mini-Q4_K_M";
    private static final String Q8_0 = "llama-mini-Q8_0";
    private static final String F16 = "llama-mini-F16";

    /** F16 rows through the single-token kernel of this CPU. */
    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, F16})
    void decodingATokenAllocatesNothingOnceCompiled(String model) throws Exception {
        assertSomeJvmAllocatesNothing(model, 1, false);
    }

    /** Single tokens over row groups take their own kernels ({@link LlamaWeights#repacked}). */
    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, Q8_0})
    void decodingOverRowGroupsAllocatesNothingOnceCompiled(String model) throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        assertSomeJvmAllocatesNothing(model, 1, true);
    }

    /**
     * Prompt batches take the other paths: activations made once a row, rows decoded once for the batch (K-quant
     * tiles of 4 rows, F16 float tiles of 16).
     */
    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, F16})
    void aPromptBatchAllocatesNothingOnceCompiled(String model) throws Exception {
        assertSomeJvmAllocatesNothing(model, 8, false);
    }

    /**
     * Batches of 32 tokens over float rows take token panels ({@link TokenPanel}), filled on the pool once per
     * product.
     */
    @ParameterizedTest
    @ValueSource(strings = {F16, Q8_0})
    void aPromptBatchThroughTokenPanelsAllocatesNothingOnceCompiled(String model) throws Exception {
        assumeTrue(TokenPanel.applies(QuantType.F16, 32, false),
                "token panels need 512-bit vectors, which this CPU lacks");
        assertSomeJvmAllocatesNothing(model, 32, false);
    }

    /** Q8_0 and Q4_K row groups decoded to floats for a batch of a token panel ({@code DecodedGroup}). */
    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, Q8_0})
    void aPanelBatchOverRowGroupsAllocatesNothingOnceCompiled(String model) throws Exception {
        assumeTrue(RowGroups.supported() && TokenPanel.applies(QuantType.Q8_0, 32, true),
                "row groups and token panels need 512-bit vectors, which this CPU lacks");
        assertSomeJvmAllocatesNothing(model, 32, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {Q4_K_M, Q8_0})
    void aPromptBatchOverRowGroupsAllocatesNothingOnceCompiled(String model) throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        assertSomeJvmAllocatesNothing(model, 8, true);
    }

    private static void assertSomeJvmAllocatesNothing(String name, int batch, boolean rowGroups) throws Exception {
        Path model = SharedData.file("models/llama-mini/" + name + ".gguf");
        List<Long> leastPerJvm = new ArrayList<>();
        for (int jvm = 0; jvm < JVMS; jvm++) {
            String report = probe(model, batch, rowGroups);
            assumeTrue(!report.equals("unsupported"), "this JVM does not count allocated bytes per thread");
            assertTrue(report.startsWith("least="), "the probe JVM's last line: " + report);
            long least = Long.parseLong(report.substring("least=".length()));
            if (least == 0) return;
            leastPerJvm.add(least);
            System.err.println("GenerationAllocationTest: " + name + ", batches of " + batch
                    + (rowGroups ? ", row groups" : "") + ": JVM " + (jvm + 1) + " allocated " + least
                    + " bytes a pass");
        }
        fail("every JVM allocated in each of its " + AllocationProbe.PASSES + " passes of " + AllocationProbe.CONTEXT
                + " tokens in batches of " + batch + "; fewest bytes a pass, per JVM: " + leastPerJvm);
    }

    /**
     * Runs {@link AllocationProbe} in a new JVM with this one's flags and class path; the last line of its output
     * (the JVM's warnings and the engine's log lines come first).
     */
    private static String probe(Path model, int batch, boolean rowGroups) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AllocationProbe.class.getName(),
                model.toString(), Integer.toString(batch), Boolean.toString(rowGroups)));
        Path output = Files.createTempFile("allocation-probe", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("the probe JVM did not finish in 5 minutes: " + command);
            }
            String out = Files.readString(output).strip();
            assertEquals(0, process.exitValue(), "probe JVM failed: " + command + "\n" + out);
            return out.lines().reduce((first, second) -> second).orElse("");
        } finally {
            Files.delete(output);
        }
    }
}
