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
import dev.hearth.gguf.quant.MatVec;
import dev.hearth.gguf.quant.QuantType;

/**
 * {@link MatVec#matVec} of a {@code rows x cols} matrix (2048 x 2048, TinyLlama's attn_q) on one thread, through
 * {@link QuantType#dot} (the path the engine uses). One operation is one whole product: bytes = the matrix's
 * bytes (2 to 16 MiB: it lives in the L3 cache, not DRAM), flops = 2 rows cols.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class MatVecBench {

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    public String type;

    @Param({"2048"})
    public int rows;

    @Param({"2048"})
    public int cols;

    private Arena arena;
    private QuantType t;
    private MemorySegment w;
    private Activation x;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        t = QuantType.valueOf(type);
        arena = Arena.ofConfined();
        w = BenchData.weights(t, rows, cols, arena);
        x = BenchData.activation(t, cols, BenchData.SEED + 7);
        out = new float[rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] matVec() {
        MatVec.matVec(t, w, 0, rows, cols, x, out, 0, rows);
        return out;
    }

    static Work work(Map<String, String> p) {
        int rows = Integer.parseInt(p.get("rows"));
        int cols = Integer.parseInt(p.get("cols"));
        return new Work((double) rows * QuantType.valueOf(p.get("type")).rowBytes(cols), 2.0 * rows * cols);
    }
}
