package dev.hearth.gguf.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.gguf.GgufModelFormat;

/**
 * Where a decode step's time goes with the overlapped launches on, from kernels built with {@code -DHEARTH_TRACE}
 * (trace-decode.sh): each kernel records the global timer as it passes its grid wait; the marks of all modules, in
 * time order, give each kernel the time until the next kernel passes its wait, i.e. its share of the critical path.
 * {@code CudaTrace FILE STEPS}: STEPS greedy steps (fused, overlapped), the last STEPS - 4 analysed. The products all
 * pass their wait in {@code weights_then_wait}; they are named by their place in the layer.
 */
public final class CudaTrace {

    private record Mark(long time, String kernel) {
    }

    private CudaTrace() {
    }

    public static void main(String[] args) throws Exception {
        ModelDescription d = new GgufModelFormat().describe(Path.of(args[0]));
        int steps = Integer.parseInt(args[1]);
        try (CudaLoadedModel m = (CudaLoadedModel) new GgufCudaBackend(CudaTestDevice.get()).load(d,
                LoadOptions.defaults().withContextLength(1024));
             Session s = m.newSession()) {
            CudaSession cs = (CudaSession) s;
            int next = 1;
            for (int i = 0; i < steps; i++) next = cs.nextGreedy(next);
            List<Mark> marks = new ArrayList<>();
            for (CudaModule module : m.kernels().modules()) marks.addAll(marks(module));
            marks.sort(Comparator.comparingLong(Mark::time));
            report(marks, steps - 4);
        }
    }

    private static List<Mark> marks(CudaModule module) {
        ByteBuffer ring = ByteBuffer.wrap(module.readGlobal("hearth_trace")).order(ByteOrder.LITTLE_ENDIAN);
        int count = ByteBuffer.wrap(module.readGlobal("hearth_trace_count")).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int size = ring.capacity() / 16;
        if (Integer.compareUnsigned(count, size) > 0) throw new IllegalStateException(module.name() + ": ring wrapped");
        List<Mark> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] name = new byte[8];
            ring.position(16 * i + 8);
            ring.get(name);
            out.add(new Mark(ring.getLong(16 * i), new String(name, StandardCharsets.US_ASCII).replace("\0", "")));
        }
        return out;
    }

    private static void report(List<Mark> marks, int last) {
        List<List<Mark>> steps = new ArrayList<>();
        for (Mark k : marks) {
            if (k.kernel().startsWith("embed")) steps.add(new ArrayList<>());
            if (!steps.isEmpty()) steps.getLast().add(k);
        }
        steps = steps.subList(steps.size() - last, steps.size());
        String[] products = {"qkv_rope", "o product", "gate_up", "down product"};
        Map<String, long[]> spent = new LinkedHashMap<>(); // name -> {count, nanoseconds}
        for (int si = 0; si < steps.size(); si++) {
            List<Mark> st = steps.get(si);
            int product = 0;
            for (int i = 0; i < st.size(); i++) {
                String name = st.get(i).kernel();
                if (name.equals("weights_")) name = i >= st.size() - 2 ? "head product" : products[product++ % 4];
                long end = i + 1 < st.size() ? st.get(i + 1).time()
                        : si + 1 < steps.size() ? steps.get(si + 1).getFirst().time() : -1;
                if (end < 0) continue;
                if (i + 1 == st.size()) name += ", then host to next step";
                long[] a = spent.computeIfAbsent(name, n -> new long[2]);
                a[0]++;
                a[1] += end - st.get(i).time();
            }
        }
        int n = steps.size() - 1;
        long total = spent.values().stream().mapToLong(a -> a[1]).sum();
        System.out.printf("## %d steps, %.1f us per step (mark to mark)%n", n, total / 1e3 / n);
        System.out.println("| kernel | per step | us per step | us each |\n|---|---:|---:|---:|");
        spent.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .forEach(e -> System.out.printf("| %s | %.0f | %.1f | %.2f |%n", e.getKey(),
                        (double) e.getValue()[0] / n, e.getValue()[1] / 1e3 / n, e.getValue()[1] / 1e3 / e.getValue()[0]));
    }
}
