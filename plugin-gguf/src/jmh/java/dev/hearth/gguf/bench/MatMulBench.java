package dev.hearth.gguf.bench;

import java.lang.foreign.Arena;
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

import dev.hearth.gguf.engine.WeightMatrix;
import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.QuantType;

/**
 * The engine's weight product {@link WeightMatrix#matMul} on the engine's pool: TinyLlama's ffn_up (5632 x 2048, 6 to
 * 44 MiB) times {@code batch} activations, as one token of decoding ({@code batch = 1}) or a chunk of a prompt.
 * One operation is one whole product: bytes = the matrix's bytes (streamed once per batch), flops =
 * 2 rows cols batch. The activations are quantised once in setup, as the engine does once per layer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class MatMulBench {

    @Param({"F16", "Q8_0", "Q4_K", "Q6_K"})
    public String type;

    @Param({"1", "32"})
    public int batch;

    @Param({"5632"})
    public int rows;

    @Param({"2048"})
    public int cols;

    /** Q4_K, Q6_K and Q8_0 rows repacked in groups of 16 as the engine does at load ({@link WeightMatrix#withRowGroups}). */
    @Param({"false"})
    public boolean rowGroups;

    /** Pool threads; 0: the engine's default ({@link WorkerPool#defaultThreads}). */
    @Param({"0"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private WeightMatrix m;
    private Activation[] xs;
    private float[][] out;

    @Setup(Level.Trial)
    public void setup() {
        QuantType t = QuantType.valueOf(type);
        arena = Arena.ofShared();
        m = new WeightMatrix("bench", t, BenchData.weights(t, rows, cols, arena), rows, cols);
        xs = new Activation[batch];
        out = new float[batch][rows];
        for (int b = 0; b < batch; b++) xs[b] = BenchData.activation(t, cols, BenchData.SEED + b);
        pool = BenchData.pool(threads);
        if (rowGroups) m = m.withRowGroups(arena.allocate(m.groupBytes(), 64), pool);
        m = m.withHalvesChecked(pool); // as the engine does at load: F16 rows of finite halves take their own product
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[][] matMul() {
        m.matMul(xs, 0, batch, out, pool);
        return out;
    }

    static Work work(Map<String, String> p) {
        int rows = Integer.parseInt(p.get("rows"));
        int cols = Integer.parseInt(p.get("cols"));
        int batch = Integer.parseInt(p.get("batch"));
        return new Work((double) rows * QuantType.valueOf(p.get("type")).rowBytes(cols), 2.0 * rows * cols * batch);
    }
}
