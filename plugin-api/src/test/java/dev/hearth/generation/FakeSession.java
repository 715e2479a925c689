package dev.hearth.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;

/**
 * A session whose logits at each position are a fixed function of the token evaluated there, so what comes next
 * is known by hand. It records every batch evaluated and implements {@code generate} with {@link GenerationLoop}
 * as an engine does.
 */
final class FakeSession implements Session {
    private final int contextLength;
    private final IntFunction<float[]> model;
    private final CancelFlag cancel = new CancelFlag();
    private final GenerationLoop loop;
    final List<int[]> batches = new ArrayList<>();
    volatile long sleepMillisPerEvaluate;
    private int position;

    FakeSession(int contextLength, IntFunction<float[]> model, FakeTokenizer tokenizer, Optional<ChatTemplate> t) {
        this.contextLength = contextLength;
        this.model = model;
        this.loop = new GenerationLoop(this, tokenizer, t, cancel);
    }

    /** Logits: {@code high} on the successor the table gives (EOS when none), 0 elsewhere. */
    static IntFunction<float[]> chain(int vocab, int[] successor) {
        return token -> {
            float[] l = new float[vocab];
            int next = token < successor.length && successor[token] >= 0 ? successor[token] : FakeTokenizer.EOS;
            l[next] = 5f;
            return l;
        };
    }

    @Override public int contextLength() { return contextLength; }

    @Override public int position() { return position; }

    @Override public void reset() { position = 0; }

    @Override
    public void evaluate(int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer) {
        if (position + (to - from) > contextLength) throw new ContextOverflowException(position, to - from, contextLength);
        if (sleepMillisPerEvaluate > 0) {
            try {
                Thread.sleep(sleepMillisPerEvaluate);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        batches.add(java.util.Arrays.copyOfRange(tokens, from, to));
        for (int i = from; i < to; i++) {
            position++;
            if (mode == LogitsMode.ALL || (mode == LogitsMode.LAST && i == to - 1)) {
                consumer.accept(i - from, model.apply(tokens[i]));
            }
        }
    }

    @Override
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        return loop.generate(request, listener);
    }

    @Override public void cancel() { cancel.cancel(); }

    @Override public void close() { }
}
