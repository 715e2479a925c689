package dev.hearth.gguf.engine;

import java.util.concurrent.CancellationException;

import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;
import dev.hearth.generation.CancelFlag;
import dev.hearth.generation.GenerationLoop;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaState;

/** A session of the {@code gguf-cpu} backend: its own activations and KV cache over the shared weights. */
final class CpuSession implements Session {

    private final CpuLoadedModel model;
    private final LlamaForward forward;
    private final CancelFlag cancel = new CancelFlag();
    private final GenerationLoop loop;
    private LlamaState state;
    private final DecodeBatcher.Step step;
    private int position;

    CpuSession(CpuLoadedModel model, LlamaForward forward) {
        this.model = model;
        this.forward = forward;
        this.state = new LlamaState(forward.config(), model.contextLength(), model.kvCacheType());
        this.step = new DecodeBatcher.Step(state);
        this.loop = new GenerationLoop(this, model.tokenizer(), model.chatTemplate(), cancel);
    }

    @Override
    public int contextLength() {
        return model.contextLength();
    }

    @Override
    public int position() {
        return position;
    }

    @Override
    public void reset() {
        position = 0;
    }

    @Override
    public void evaluate(int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer) {
        LlamaState s = open();
        java.util.Objects.checkFromToIndex(from, to, tokens.length);
        if (position + (to - from) > contextLength()) {
            throw new ContextOverflowException(position, to - from, contextLength());
        }
        DecodeBatcher batcher = model.batcher();
        if (to - from == 1 && batcher != null) {
            // one token: a decode step, run together with the other sessions stepping now
            if (cancel.isCancelled()) throw new CancellationException("cancelled");
            model.checkOpen();
            batcher.decode(step, tokens[from], position);
            position++;
            if (mode != LogitsMode.NONE) consumer.accept(0, s.logits(0));
            return;
        }
        // the tokens go through in batches; logits only for the rows the caller wants
        for (int start = from; start < to; start += s.batch()) {
            if (cancel.isCancelled()) throw new CancellationException("cancelled");
            model.checkOpen();
            int n = Math.min(s.batch(), to - start);
            int logitsFrom = switch (mode) {
                case ALL -> 0;
                case LAST -> start + n == to ? n - 1 : n;
                case NONE -> n;
            };
            forward.forward(s, tokens, start, n, position, logitsFrom);
            position += n;
            for (int b = logitsFrom; b < n; b++) consumer.accept(start + b - from, s.logits(b));
        }
    }

    @Override
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        open();
        return loop.generate(request, listener);
    }

    @Override
    public void cancel() {
        cancel.cancel();
    }

    @Override
    public void close() {
        state = null;
    }

    private LlamaState open() {
        LlamaState s = state;
        if (s == null) throw new IllegalStateException("session is closed");
        return s;
    }
}
