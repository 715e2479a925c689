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
import dev.hearth.gguf.quant.RowGroups;
import dev.hearth.gguf.quant.QuantType;

/**
 * A Q4_K or Q6_K matrix times one activation on one thread: row by row ({@link MatVec#matVec}, ggml's layout) against
 * the rows repacked in groups of 16 ({@link RowGroups}). Bytes = the matrix's bytes in ggml's layout, as in
 * {@link MatVecBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class GroupBench {

    @Param({"Q4_K", "Q6_K"})
    public String type;

    @Param({"2048"})
    public int rows;

    @Param({"2048"})
    public int cols;

    private QuantType t;
    private Arena arena;
    private MemorySegment w;
    private MemorySegment groups;
    private Activation x;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofConfined();
        t = QuantType.valueOf(type);
        w = BenchData.weights(t, rows, cols, arena);
        groups = arena.allocate(RowGroups.bytes(t, rows, cols), 64);
        for (int g = 0; g < rows / RowGroups.ROWS; g++) RowGroups.repack(t, w, g, cols, groups);
        x = BenchData.activation(t, cols, BenchData.SEED + 7);
        out = new float[rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] rows() {
        MatVec.matVec(t, w, 0, rows, cols, x, out, 0, rows);
        return out;
    }

    @Benchmark
    public float[] groups() {
        for (int g = 0; g < rows / RowGroups.ROWS; g++) {
            RowGroups.dot(t, groups, g, x.q8_K(), cols, out, g * RowGroups.ROWS);
        }
        return out;
    }

    static Work work(Map<String, String> p) {
        int rows = Integer.parseInt(p.get("rows"));
        int cols = Integer.parseInt(p.get("cols"));
        return new Work((double) rows * QuantType.valueOf(p.get("type")).rowBytes(cols), 2.0 * rows * cols);
    }
}
