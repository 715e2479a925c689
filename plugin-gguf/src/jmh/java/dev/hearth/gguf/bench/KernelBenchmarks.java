package dev.hearth.gguf.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Entry point of {@code benchmarks.jar}: runs JMH with the given command line (the usual JMH options, e.g.
 * {@code -f 1 -wi 2 -i 3 DotBench}), then prints every result once more with GB/s and GFLOP/s, from JMH's
 * operations per second times each benchmark's {@link Work} per operation.
 */
public final class KernelBenchmarks {

    private static final Map<String, Function<Map<String, String>, Work>> WORK = new LinkedHashMap<>();

    static {
        WORK.put(DotBench.class.getName(), DotBench::work);
        WORK.put(MatVecBench.class.getName(), MatVecBench::work);
        WORK.put(MatMulBench.class.getName(), MatMulBench::work);
        WORK.put(AttentionBench.class.getName(), AttentionBench::work);
        // not MaddBench::work: linking MaddBench needs jdk.incubator.vector, which only the forked JVMs add
        WORK.put(MaddBench.class.getName(), p -> new Work(2.0 * Integer.parseInt(p.get("n")),
                2.0 * Integer.parseInt(p.get("n"))));
    }

    private KernelBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Collection<RunResult> results = new Runner(options).run();
        System.out.println();
        System.out.println(table(results));
    }

    /** A Markdown table: benchmark, parameters, ops/s with its error, GB/s, GFLOP/s. */
    static String table(Collection<RunResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | params | ops/s | ± | GB/s | GFLOP/s |\n|---|---|---:|---:|---:|---:|\n");
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            String cls = method.substring(0, method.lastIndexOf('.'));
            Map<String, String> params = new LinkedHashMap<>();
            for (String key : r.getParams().getParamsKeys()) params.put(key, r.getParams().getParam(key));
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            String unit = r.getPrimaryResult().getScoreUnit();
            Function<Map<String, String>, Work> f = WORK.get(cls);
            boolean perSecond = unit.equals("ops/s");
            String gbs = "", gflops = "";
            if (f != null && perSecond) {
                Work w = f.apply(params);
                gbs = String.format(Locale.ROOT, "%.2f", score * w.bytes() / 1e9);
                gflops = String.format(Locale.ROOT, "%.2f", score * w.flops() / 1e9);
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %s | %s |%n",
                    method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1),
                    params.toString().replace("{", "").replace("}", ""), score, error, gbs, gflops));
        }
        return sb.toString();
    }
}
