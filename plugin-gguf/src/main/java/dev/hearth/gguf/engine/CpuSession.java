package dev.hearth.gguf.engine;

import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaState;

/** A session of the {@code gguf-cpu} backend: its own activations and KV cache over the shared weights. */
final class CpuSession extends GgufSession {

    private final CpuLoadedModel model;
    private final LlamaForward forward;
    private LlamaState state;
    private final DecodeBatcher.Step step;

    CpuSession(CpuLoadedModel model, LlamaForward forward) {
        super(model);
        this.model = model;
        this.forward = forward;
        this.state = new LlamaState(forward.config(), model.contextLength(), model.kvCacheType());
        this.step = new DecodeBatcher.Step(state);
    }

    @Override
    public void evaluate(int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer) {
        checkEvaluate(tokens, from, to);
        LlamaState s = state;
        DecodeBatcher batcher = model.batcher();
        if (to - from == 1 && batcher != null) {
            // one token: a decode step, run together with the other sessions stepping now
            checkCancelled();
            model.checkOpen();
            batcher.decode(step, tokens[from], position);
            position++;
            if (mode != LogitsMode.NONE) consumer.accept(0, s.logits(0));
            return;
        }
        // the tokens go through in batches; logits only for the rows the caller wants
        for (int start = from; start < to; start += s.batch()) {
            checkCancelled();
            model.checkOpen();
            int n = Math.min(s.batch(), to - start);
            int logitsFrom = logitsFrom(mode, n, start + n == to);
            forward.forward(s, tokens, start, n, position, logitsFrom);
            position += n;
            for (int b = logitsFrom; b < n; b++) consumer.accept(start + b - from, s.logits(b));
        }
    }

    @Override
    public void close() {
        state = null;
    }

    @Override
    protected void checkOpen() {
        if (state == null) throw new IllegalStateException("session is closed");
    }
}
