package dev.hearth.gguf.bench;

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

import dev.hearth.gguf.engine.WorkerPool;

/**
 * What one step of the engine's pool costs apart from its work: {@link WorkerPool#parallelFor} over a decode
 * product's rows (2048, in pieces of 16 as {@code WeightMatrix} hands them out) with a task that only marks its
 * rows (steps per second; a token of generation takes about 110 such steps, so 1e6 / (ops/s) us is that much
 * time of every token, 110 times).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PoolBench {

    /** Pool threads; 0: the engine's default ({@link WorkerPool#defaultThreads}). */
    @Param({"0"})
    public int threads;

    @Param({"2048"})
    public int rows;

    private WorkerPool pool;
    private int[] marks;

    @Setup(Level.Trial)
    public void setup() {
        pool = BenchData.pool(threads);
        marks = new int[rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public int[] step() {
        pool.parallelFor(rows, 16, (start, end) -> {
            for (int r = start; r < end; r++) marks[r]++;
        });
        return marks;
    }
}
