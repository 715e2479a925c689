package dev.hearth.safetensors.ort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;

import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;
import dev.hearth.generation.CancelFlag;
import dev.hearth.generation.GenerationLoop;
import dev.hearth.safetensors.onnx.OnnxNames;

/**
 * A session of an {@code safetensors-ort-*} backend: its own KV cache over the model's shared ONNX Runtime session.
 *
 * <p>Per run every tensor is a view of native memory the session owns: the token ids and positions, the past
 * (a prefix of the cache), and, as <em>pinned outputs</em>, the present (the cache rows right after the prefix, so
 * ONNX Runtime writes the new keys and values straight into the cache) and the logits. Nothing of size
 * O(context) is copied by Java; see docs/onnxruntime.md.
 */
final class OrtDecoderSession implements Session {
    /** Tokens per ONNX Runtime run: bounds the [T, S] attention scores and [T, vocab] logits of long prompts. */
    static final int CHUNK = 128;

    private final OrtLoadedModel model;
    private final OrtGraphInfo info;
    private final CancelFlag cancel = new CancelFlag();
    private final GenerationLoop loop;
    private final int capacity;
    private final ByteBuffer ids;
    private final ByteBuffer positions;
    private final ByteBuffer logits;
    private final ByteBuffer fusedLengths;
    private final float[] row;
    private OrtKvCache cache;
    private int position;

    OrtDecoderSession(OrtLoadedModel model) {
        this.model = model;
        this.info = model.graphInfo();
        this.capacity = model.contextLength();
        this.cache = new OrtKvCache(info.layers(), capacity, (long) info.kvHeads() * info.headDim() * info.kvBytes());
        this.ids = direct((long) CHUNK * Long.BYTES);
        this.positions = direct((long) CHUNK * Long.BYTES);
        this.logits = direct((long) CHUNK * info.vocab() * Float.BYTES);
        this.fusedLengths = direct(8);
        this.row = new float[info.vocab()];
        this.loop = new GenerationLoop(this, model.tokenizer(), model.chatTemplate(), cancel);
    }

    private static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    @Override
    public int contextLength() { return capacity; }

    @Override
    public int position() { return position; }

    @Override
    public void reset() { position = 0; }

    @Override
    public void evaluate(int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer) {
        open();
        Objects.checkFromToIndex(from, to, tokens.length);
        if (position + (to - from) > capacity) {
            throw new ContextOverflowException(position, to - from, capacity);
        }
        for (int start = from; start < to; start += CHUNK) {
            if (cancel.isCancelled()) {
                throw new CancellationException("cancelled");
            }
            int end = Math.min(to, start + CHUNK);
            LogitsMode m = mode == LogitsMode.ALL ? LogitsMode.ALL
                    : mode == LogitsMode.LAST && end == to ? LogitsMode.LAST : LogitsMode.NONE;
            try {
                run(tokens, start, end, m);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed at position " + position + ": " + e.getMessage(), e);
            }
            deliver(m, end - start, start - from, consumer);
            position += end - start;
        }
    }

    /** One ONNX Runtime run over {@code tokens[start, end)}: the cache gains end − start rows. */
    private void run(int[] tokens, int start, int end, LogitsMode m) throws OrtException {
        int t = end - start;
        var env = model.environment();
        ids.clear();
        positions.clear();
        for (int i = 0; i < t; i++) {
            int id = tokens[start + i];
            if (id < 0 || id >= info.vocab()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + info.vocab());
            }
            ids.putLong(i * 8, id);
            positions.putLong(i * 8, position + i);
        }
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            long[] tokenShape = {1, t};
            Map<String, OnnxTensor> in = new HashMap<>();
            Map<String, OnnxTensor> out = new HashMap<>();
            in.put(OnnxNames.INPUT_IDS, own(owned, OnnxTensor.createTensor(env, ids.slice(0, t * 8).order(ByteOrder.nativeOrder()), tokenShape, OnnxJavaType.INT64)));
            in.put(OnnxNames.POSITION_IDS, own(owned, OnnxTensor.createTensor(env, positions.slice(0, t * 8).order(ByteOrder.nativeOrder()), tokenShape, OnnxJavaType.INT64)));
            if (info.fused()) {
                fusedInputs(env, owned, in, out, t);
            } else {
                appendInputs(env, owned, in, out, t);
            }
            if (m != LogitsMode.NONE) {
                int rows = m == LogitsMode.ALL ? t : 1;
                ByteBuffer view = logits.slice(0, rows * info.vocab() * Float.BYTES).order(ByteOrder.nativeOrder());
                String name = m == LogitsMode.ALL ? OnnxNames.LOGITS : OnnxNames.LOGITS_LAST;
                out.put(name, own(owned, OnnxTensor.createTensor(env, view, new long[] {1, rows, info.vocab()}, OnnxJavaType.FLOAT)));
            }
            model.checkOpen();
            try (Result r = model.session().run(in, Set.of(), out)) {
                // every output is pinned: the results are the views above
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    /** Plain graphs: past = the filled prefix of each block, present = the rows that follow it. */
    private void appendInputs(ai.onnxruntime.OrtEnvironment env, List<OnnxTensor> owned, Map<String, OnnxTensor> in,
            Map<String, OnnxTensor> out, int t) throws OrtException {
        long[] pastShape = {1, position, info.kvHeads(), info.headDim()};
        long[] presentShape = {1, t, info.kvHeads(), info.headDim()};
        for (int l = 0; l < info.layers(); l++) {
            ByteBuffer k = cache.keys(l);
            ByteBuffer v = cache.values(l);
            in.put(OnnxNames.layer(OnnxNames.PAST_KEY, l), own(owned, OnnxTensor.createTensor(env, cache.rows(k, 0, position), pastShape, info.kvType())));
            in.put(OnnxNames.layer(OnnxNames.PAST_VALUE, l), own(owned, OnnxTensor.createTensor(env, cache.rows(v, 0, position), pastShape, info.kvType())));
            out.put(OnnxNames.layer(OnnxNames.PRESENT_KEY, l), own(owned, OnnxTensor.createTensor(env, cache.rows(k, position, t), presentShape, info.kvType())));
            out.put(OnnxNames.layer(OnnxNames.PRESENT_VALUE, l), own(owned, OnnxTensor.createTensor(env, cache.rows(v, position, t), presentShape, info.kvType())));
        }
    }

    /** Fused graphs: past and present are the same whole block; GroupQueryAttention writes the new rows in place. */
    private void fusedInputs(ai.onnxruntime.OrtEnvironment env, List<OnnxTensor> owned, Map<String, OnnxTensor> in,
            Map<String, OnnxTensor> out, int t) throws OrtException {
        long[] shape = {1, info.kvHeads(), capacity, info.headDim()};
        for (int l = 0; l < info.layers(); l++) {
            ByteBuffer k = cache.keys(l);
            ByteBuffer v = cache.values(l);
            in.put(OnnxNames.layer(OnnxNames.PAST_KEY, l), own(owned, OnnxTensor.createTensor(env, k.duplicate().order(ByteOrder.nativeOrder()), shape, info.kvType())));
            in.put(OnnxNames.layer(OnnxNames.PAST_VALUE, l), own(owned, OnnxTensor.createTensor(env, v.duplicate().order(ByteOrder.nativeOrder()), shape, info.kvType())));
            out.put(OnnxNames.layer(OnnxNames.PRESENT_KEY, l), own(owned, OnnxTensor.createTensor(env, k.duplicate().order(ByteOrder.nativeOrder()), shape, info.kvType())));
            out.put(OnnxNames.layer(OnnxNames.PRESENT_VALUE, l), own(owned, OnnxTensor.createTensor(env, v.duplicate().order(ByteOrder.nativeOrder()), shape, info.kvType())));
        }
        int total = position + t;
        fusedLengths.putInt(0, total - 1).putInt(4, total);
        in.put(OnnxNames.SEQLENS_K, own(owned, OnnxTensor.createTensor(env, fusedLengths.slice(0, 4).order(ByteOrder.nativeOrder()), new long[] {1}, OnnxJavaType.INT32)));
        in.put(OnnxNames.TOTAL_SEQUENCE_LENGTH, own(owned, OnnxTensor.createTensor(env, fusedLengths.slice(4, 4).order(ByteOrder.nativeOrder()), new long[0], OnnxJavaType.INT32)));
    }

    private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    private void deliver(LogitsMode m, int t, int firstIndex, LogitsConsumer consumer) {
        if (m == LogitsMode.NONE) {
            return;
        }
        FloatBuffer f = logits.asFloatBuffer();
        int rows = m == LogitsMode.ALL ? t : 1;
        for (int r = 0; r < rows; r++) {
            f.get(r * info.vocab(), row, 0, info.vocab());
            consumer.accept(m == LogitsMode.ALL ? firstIndex + r : firstIndex + t - 1, row);
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

    /** Bytes of the KV cache. */
    long cacheBytes() {
        return cache == null ? 0 : cache.bytes();
    }

    @Override
    public void close() {
        OrtKvCache c = cache;
        cache = null;
        if (c != null) {
            c.close();
        }
    }

    private OrtKvCache open() {
        OrtKvCache c = cache;
        if (c == null) {
            throw new IllegalStateException("session is closed");
        }
        return c;
    }
}
