package dev.hearth.gguf.bench;

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
import org.openjdk.jmh.annotations.Warmup;

import dev.hearth.gguf.llama.AttentionScores;
import dev.hearth.gguf.llama.LlamaOps;

/**
 * One decoding token's attention in one layer, on one thread, with TinyLlama's geometry (32 query heads, 4 KV
 * heads, head size 64) over {@code positions} cached positions, from the engine's steps: scores with
 * {@link AttentionScores#scores16}, {@link LlamaOps#softmax}, the weighted value sum with
 * {@link LlamaOps#weightedSum16}.
 * One operation is all 32 heads: bytes = the K and V rows each head reads (4-byte floats, as the cache is
 * held), flops = 4 heads positions headDim (the two products; softmax not counted).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class AttentionBench {

    @Param({"512", "2048"})
    public int positions;

    @Param({"32"})
    public int heads;

    @Param({"4"})
    public int kvHeads;

    @Param({"64"})
    public int headDim;

    private float[] q;
    private float[] keys;
    private float[] values;
    private float[] att;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        int kvDim = kvHeads * headDim;
        q = BenchData.gaussian(heads * headDim, 1f, BenchData.SEED);
        keys = BenchData.gaussian(positions * kvDim, 1f, BenchData.SEED + 1);
        values = BenchData.gaussian(positions * kvDim, 1f, BenchData.SEED + 2);
        att = new float[positions];
        out = new float[heads * headDim];
    }

    @Benchmark
    public float[] attention() {
        int kvDim = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int h = 0; h < heads; h++) {
            int qOff = h * headDim;
            int kvOff = (h / group) * headDim;
            AttentionScores.scores16(q, qOff, keys, kvOff, kvDim, positions, headDim, scale, att, 0);
            LlamaOps.softmax(att, 0, positions);
            LlamaOps.weightedSum16(out, qOff, att, 0, positions, values, kvOff, kvDim, headDim);
        }
        return out;
    }

    static Work work(Map<String, String> p) {
        double positions = Integer.parseInt(p.get("positions"));
        double heads = Integer.parseInt(p.get("heads"));
        double headDim = Integer.parseInt(p.get("headDim"));
        return new Work(2 * heads * positions * headDim * Float.BYTES, 4 * heads * positions * headDim);
    }
}
