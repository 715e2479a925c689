package dev.hearth.gguf.cuda;

import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.cuda.api.CudaGraph;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.engine.GgufSession;

/**
 * A session of the {@code gguf-cuda} backend: its own device activations, KV cache, stream and graphs over the
 * model's weights. Each decode step is one graph launch: the graph for a context bucket (a power of two of
 * attention chunks) is captured the first time the bucket is reached and replayed for every later token in it.
 */
final class CudaSession extends GgufSession {

    private final CudaLoadedModel model;
    private final CudaForward forward;
    private final Map<Integer, CudaGraph> graphs = new HashMap<>();
    private boolean fused = true;
    /**
     * Decode kernels start while the one before still runs (programmatic dependent launch, Hopper on);
     * {@code -Dhearth.cuda.overlap=false} launches them one after another.
     */
    private boolean overlapped = Boolean.parseBoolean(System.getProperty("hearth.cuda.overlap", "true"));
    private final float[] logits;
    private CudaState state;
    private CudaStream stream;
    private int pending;
    private boolean batched = true;
    /** The CPU layers and head of a partial offload; null when every layer is on the GPU. */
    private CudaCpuTail tail;

    CudaSession(CudaLoadedModel model, CudaForward forward) {
        super(model);
        this.model = model;
        this.forward = forward;
        this.logits = new float[forward.config().vocabSize()];
        model.device().makeCurrent();
        this.state = new CudaState(model.device(), model.owner(), forward.config(), model.contextLength(),
                forward.gpuLayers());
        try {
            this.stream = model.device().createStream();
            if (model.cpuLayers() != null) {
                tail = new CudaCpuTail(model, model.cpuLayers(), forward.gpuLayers(), state.batch,
                        model.kvCacheType());
            }
        } catch (RuntimeException e) {
            if (stream != null) stream.close();
            state.close();
            throw e;
        }
    }

    @Override
    public void evaluate(int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer) {
        checkEvaluate(tokens, from, to);
        CudaState s = state;
        int vocab = forward.config().vocabSize();
        for (int i = from; i < to; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " outside the vocabulary of " + vocab);
            }
        }
        model.device().makeCurrent();
        try {
            if (batched && forward.batchedPrompt() && to - from > 1) {
                prompt(s, tokens, from, to, mode, consumer);
                return;
            }
            for (int i = from; i < to; i++) {
                checkCancelled();
                boolean wantLogits = mode == LogitsMode.ALL || (mode == LogitsMode.LAST && i == to - 1);
                step(s, tokens[i], wantLogits);
                if (tail != null) {
                    int index = i - from;
                    tail.run(stream, s.x, 1, position - 1, wantLogits ? 0 : 1, (r, l) -> consumer.accept(index, l));
                    pending = 0;
                } else if (wantLogits) {
                    stream.copyToHost(s.logitsHost.pointer(), s.logits, 0, vocab * 4L);
                    sync();
                    s.logitsHost.segment().asSlice(0, vocab * 4L).asByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer().get(logits);
                    consumer.accept(i - from, logits);
                }
            }
        } finally {
            sync();
        }
    }

    /**
     * The prompt pass: tokens in batches of {@code s.batch} through {@link CudaForward#enqueuePrompt}, which writes
     * the KV cache of every position and the logits rows the mode asks for.
     */
    private void prompt(CudaState s, int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer) {
        int vocab = forward.config().vocabSize();
        sync();
        for (int start = from; start < to; start += s.batch) {
            checkCancelled();
            int n = Math.min(s.batch, to - start);
            s.tokensHost.segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(tokens)
                    .asSlice(start * 4L, n * 4L));
            stream.copyToDevice(s.pTokens, 0, s.tokensHost.pointer(), n * 4L);
            int logitsFrom = logitsFrom(mode, n, start + n == to);
            if (tail != null) { // GPU layers, then the CPU layers and head over the hidden states in pX
                forward.enqueuePrompt(stream, s, n, position, n);
                int base = start - from;
                tail.run(stream, s.pX, n, position, logitsFrom, (r, l) -> consumer.accept(base + r, l));
                position += n;
                continue;
            }
            forward.enqueuePrompt(stream, s, n, position, logitsFrom);
            position += n;
            for (int r = logitsFrom; r < n; r++) {
                stream.copyToHost(s.logitsHost.pointer(), s.pLogits, (long) (r - logitsFrom) * vocab * 4, vocab * 4L);
                sync();
                s.logitsHost.segment().asSlice(0, vocab * 4L).asByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer().get(logits);
                consumer.accept(start + r - from, logits);
            }
            sync();
        }
    }

    /** Test hook: false makes decode steps run one kernel per op (the unfused launches) instead of the fused ones. */
    void fusedDecode(boolean on) {
        if (on != fused) dropGraphs();
        fused = on;
    }

    /** Test hook: false launches the decode kernels one after another instead of overlapped. */
    void overlappedDecode(boolean on) {
        if (on != overlapped) dropGraphs();
        overlapped = on;
    }

    private void dropGraphs() {
        graphs.values().forEach(CudaGraph::close);
        graphs.clear();
    }

    /** Test hook: false makes {@link #evaluate} run prompts token by token through the decode graph. */
    void batchedPrompts(boolean on) {
        batched = on;
    }

    /**
     * Greedy decoding on the GPU: runs {@code token} at the current position and returns the most likely next token;
     * only the token id crosses back to the host.
     */
    int nextGreedy(int token) {
        checkOpen();
        CudaState s = state;
        if (position >= contextLength()) throw new ContextOverflowException(position, 1, contextLength());
        model.device().makeCurrent();
        step(s, token, true);
        if (tail != null) { // the head runs on the CPU: argmax there (the first of equal maxima, as the GPU's)
            int[] best = {0};
            tail.run(stream, s.x, 1, position - 1, 0, (r, l) -> {
                for (int i = 1; i < l.length; i++) if (l[i] > l[best[0]]) best[0] = i;
            });
            pending = 0;
            return best[0];
        }
        stream.copyToHost(s.paramsHost.pointer().withByteOffset(8), s.params, 8, 4);
        sync();
        return s.paramsHost.segment().get(ValueLayout.JAVA_INT_UNALIGNED, 8);
    }

    /** Enqueues one step: the token and position into params, then the bucket's graph. */
    private void step(CudaState s, int token, boolean wantLogits) {
        if (pending == CudaState.RING - 1) sync(); // slot 0 and the greedy slot must not be overwritten in flight
        long slot = (long) (1 + pending) * CudaState.SLOT;
        s.paramsHost.segment().set(ValueLayout.JAVA_INT_UNALIGNED, slot, token);
        s.paramsHost.segment().set(ValueLayout.JAVA_INT_UNALIGNED, slot + 4, position);
        stream.copyToDevice(s.params, 0, s.paramsHost.pointer().withByteOffset(slot), 8);
        graph(s, bucket(position + 1), wantLogits && tail == null).launch(stream);
        pending++;
        position++;
    }

    private void sync() {
        stream.synchronize();
        pending = 0;
    }

    /** Attention chunks of the bucket holding {@code n} positions: the next power of two, at most maxChunks. */
    private int bucket(int n) {
        int chunks = (n + CudaAttention.CHUNK - 1) / CudaAttention.CHUNK;
        int b = Integer.highestOneBit(chunks);
        if (b < chunks) b <<= 1;
        return Math.min(b, state.maxChunks);
    }

    private CudaGraph graph(CudaState s, int chunks, boolean wantLogits) {
        int key = chunks * 2 + (wantLogits ? 1 : 0);
        CudaGraph g = graphs.get(key);
        if (g == null) {
            stream.beginCapture();
            try {
                forward.enqueue(stream, s, chunks, wantLogits, fused, overlapped);
            } finally {
                g = stream.endCapture();
            }
            graphs.put(key, g);
        }
        return g;
    }

    @Override
    public void close() {
        if (state == null) return;
        model.device().makeCurrent();
        dropGraphs();
        stream.close();
        if (tail != null) tail.close();
        state.close();
        state = null;
        model.sessionClosed(this);
    }

    @Override
    protected void checkOpen() {
        if (state == null) throw new IllegalStateException("session is closed");
        model.checkOpen();
    }
}
