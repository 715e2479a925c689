package dev.hearth.gguf.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.QuantType;

/**
 * One row · activation dot product per type, vector and scalar path, on a row that stays in L1/L2. One operation
 * is one dot product of {@code n} weights: bytes = the row's bytes, flops = 2n. Types whose {@code dotVector} is
 * its scalar twin (Q2_K, Q3_K, ... in this version) show the same figure twice.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class DotBench {

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    public String type;

    @Param({"vector", "scalar"})
    public String path;

    @Param({"4096"})
    public int n;

    private Arena arena;
    private MemorySegment w;
    private Activation x;
    private Kernels.Dot dot;

    @Setup(Level.Trial)
    public void setup() {
        QuantType t = QuantType.valueOf(type);
        arena = Arena.ofConfined();
        w = BenchData.weights(t, 1, n, arena);
        x = BenchData.activation(t, n, BenchData.SEED + 7);
        dot = Kernels.dot(t, path.equals("vector"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float dot() {
        return dot.dot(w, 0, x, n);
    }

    static Work work(Map<String, String> p) {
        int n = Integer.parseInt(p.get("n"));
        return new Work(QuantType.valueOf(p.get("type")).rowBytes(n), 2.0 * n);
    }
}
