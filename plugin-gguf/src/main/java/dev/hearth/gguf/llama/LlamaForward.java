package dev.hearth.gguf.llama;

import dev.hearth.gguf.engine.MatrixProduct;
import dev.hearth.gguf.engine.ProductInput;
import dev.hearth.gguf.engine.ThreadActivations;
import dev.hearth.gguf.engine.WeightMatrix;
import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.quant.Activation;

/** The Llama forward pass on the CPU, over a batch of tokens at consecutive positions. */
public final class LlamaForward {

    /** Below this much attention work (heads x positions x head size) the heads run on the calling thread. */
    private static final long ATTENTION_PARALLEL_MIN = 1L << 15;

    private final LlamaConfig c;
    private final LlamaWeights w;
    private final WorkerPool pool;
    /** Per layer {wq, wk, wv} and {wGate, wUp}: each group multiplies one activation in one pass of the pool. */
    private final WeightMatrix[][] qkv;
    private final WeightMatrix[][] gateUp;
    /** Per layer {wo} and {wDown}, and {output}: the products of one matrix. */
    private final WeightMatrix[][] wo;
    private final WeightMatrix[][] down;
    private final WeightMatrix[] head;

    public LlamaForward(LlamaConfig config, LlamaWeights weights, WorkerPool pool) {
        this.c = config;
        this.w = weights;
        this.pool = pool;
        LlamaWeights.Layer[] layers = weights.layers();
        this.qkv = new WeightMatrix[layers.length][];
        this.gateUp = new WeightMatrix[layers.length][];
        this.wo = new WeightMatrix[layers.length][];
        this.down = new WeightMatrix[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            qkv[l] = new WeightMatrix[] {layers[l].wq(), layers[l].wk(), layers[l].wv()};
            gateUp[l] = new WeightMatrix[] {layers[l].wGate(), layers[l].wUp()};
            wo[l] = new WeightMatrix[] {layers[l].wo()};
            down[l] = new WeightMatrix[] {layers[l].wDown()};
        }
        this.head = new WeightMatrix[] {weights.output()};
    }

    public LlamaConfig config() {
        return c;
    }

    /**
     * Runs {@code n} tokens ({@code tokens[from, from+n)}, at most {@link LlamaState#batch()}) at positions
     * {@code pos0 .. pos0+n-1}, writing their keys and values into the cache; leaves the next-token logits of batch
     * rows {@code logitsFrom .. n-1} in {@link LlamaState#logits(int)} ({@code logitsFrom = n} computes none, {@code n-1}
     * only the last). Every token sees the cache up to its own position (causal), so a batch gives the same result
     * as its tokens one at a time, bit for bit except in Q8_0 products, which differ by float rounding
     * ({@link dev.hearth.gguf.quant.UnpackedRow}); batching only makes each weight row serve all of them at once.
     */
    public void forward(LlamaState s, int[] tokens, int from, int n, int pos0, int logitsFrom) {
        checkBatch(s, n);
        checkPositions(s, n, pos0);
        ownRows(s, n, pos0, logitsFrom);
        embed(s, tokens, from, n);
        layersAndHead(s, 0, n, logitsFrom);
    }

    /**
     * {@link #forward} from layer {@code firstLayer} on: the hidden states of the {@code n} batch rows are already in
     * {@link LlamaState#hidden(int)} (the output of layer {@code firstLayer - 1}, e.g. from a GPU that ran the first
     * layers). Runs layers {@code firstLayer ..} and the output head as {@link #forward} does.
     */
    public void forwardFrom(LlamaState s, int firstLayer, int n, int pos0, int logitsFrom) {
        checkBatch(s, n);
        checkPositions(s, n, pos0);
        if (firstLayer < 0 || firstLayer > c.layers()) {
            throw new IllegalArgumentException("first layer " + firstLayer + " outside 0.." + c.layers());
        }
        ownRows(s, n, pos0, logitsFrom);
        layersAndHead(s, firstLayer, n, logitsFrom);
    }

    /**
     * One decode step of {@code n} different sequences together (continuous batching): row {@code b} evaluates
     * {@code tokens[b]} at {@code positions[b]} in the KV cache of {@code sequences[b]}, and its next-token logits
     * land in {@code sequences[b].logits(0)}. {@code scratch} holds the batch's activations only. Each row's
     * result is bit for bit what {@link #forward} gives that sequence alone: rows never mix, the weights are just
     * read once for all of them.
     */
    public void decode(LlamaState scratch, LlamaState[] sequences, int[] tokens, int[] positions, int n) {
        checkBatch(scratch, n);
        for (int b = 0; b < n; b++) {
            LlamaState seq = sequences[b];
            if (positions[b] < 0 || positions[b] >= seq.contextLength) {
                throw new IllegalArgumentException("position " + positions[b] + " outside the context of "
                        + seq.contextLength);
            }
            scratch.rowSequence[b] = seq;
            scratch.rowPosition[b] = positions[b];
            scratch.rowLogits[b] = seq.logitsRow(0);
        }
        embed(scratch, tokens, 0, n);
        layersAndHead(scratch, 0, n, 0);
    }

    private static void checkBatch(LlamaState s, int n) {
        if (n < 1 || n > s.batch()) throw new IllegalArgumentException("batch of " + n + " tokens, 1.." + s.batch() + " allowed");
    }

    private static void checkPositions(LlamaState s, int n, int pos0) {
        if (pos0 < 0 || pos0 + n > s.contextLength) {
            throw new IllegalArgumentException("positions " + pos0 + ".." + (pos0 + n - 1) + " outside the context of "
                    + s.contextLength);
        }
    }

    /**
     * Batch rows of one sequence: {@code s}'s own cache, consecutive positions from {@code pos0}, logits for rows
     * {@code logitsFrom ..}.
     */
    private static void ownRows(LlamaState s, int n, int pos0, int logitsFrom) {
        for (int b = 0; b < n; b++) {
            s.rowSequence[b] = s;
            s.rowPosition[b] = pos0 + b;
            s.rowLogits[b] = b >= logitsFrom ? s.logitsRow(b) : null;
        }
    }

    /** Each token's row of token_embd into the residual stream. */
    private void embed(LlamaState s, int[] tokens, int from, int n) {
        for (int b = 0; b < n; b++) {
            int token = tokens[from + b];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + c.vocabSize());
            }
            w.tokenEmbedding().dequantizeRow(token, s.x[b], 0);
        }
    }

    /**
     * Layers {@code firstLayer ..} and the output head over the batch rows {@link LlamaState#rowSequence} and
     * {@link LlamaState#rowPosition} describe.
     */
    private void layersAndHead(LlamaState s, int firstLayer, int n, int logitsFrom) {
        long attentionWork = 0;
        for (int b = 0; b < n; b++) attentionWork += (long) c.heads() * (s.rowPosition[b] + 1) * c.headDim();
        Steps t = steps(s);
        t.n = n;
        t.logitsFrom = logitsFrom;
        t.parts = Math.min(LlamaState.ATTENTION_PARTS, n);
        MatrixProduct product = t.product;
        for (int b = 0; b < n; b++) {
            LlamaOps.ropeTable(s.rowPosition[b], c.ropeDim(), c.ropeFreqBase(), c.ropeFreqScale(), w.ropeFreqs(),
                    s.ropeCos[b], s.ropeSin[b]);
        }

        for (int l = firstLayer; l < c.layers(); l++) {
            t.layer = l;

            // attention: rmsnorm, q k v projections; on each piece of their rows, rope on queries and keys and the
            // keys and values into the cache (rounded to F16 for an F16 cache)
            product.inSequence(qkv[l], input(0, n, t.dimRows, t.attentionIn), 0, n, t.qkvOut, t.rotary, pool);

            // grouped-query attention, each token over positions 0..its own, output into xb; a unit of the pool is
            // one head over a part of the batch rows
            if (attentionWork < ATTENTION_PARALLEL_MIN) {
                t.attention.run(0, c.heads() * t.parts);
            } else {
                pool.parallelFor(c.heads() * t.parts, 1, t.attention, pool.threadsFor(n));
            }

            // attention output projection, added into the residual stream
            product.inSequence(wo[l], input(0, n, t.dimRows, t.attentionOut), 0, n, t.xb2Out, t.residual, pool);

            // feed-forward: rmsnorm, swiglu(gate, up) by the threads that computed them, down projection, residual
            product.sideBySide(gateUp[l], input(0, n, t.dimRows, t.ffnIn), 0, n, t.gateUpOut, t.swiglu, pool);
            product.inSequence(down[l], input(0, n, t.ffnRows, t.ffnOut), 0, n, t.xb2Out, t.residual, pool);
        }

        if (logitsFrom < n) {
            // final rmsnorm and output head, for the rows that want logits
            product.inSequence(head, input(logitsFrom, n, t.dimRows, t.headIn), logitsFrom, n, t.logitsOut,
                    MatrixProduct.NOTHING, pool);
        }
    }

    /**
     * The activations of batch rows {@code from .. to-1} for a product, made by {@code own}'s maker: for a few rows by
     * each pool thread for itself; for more, once a row into {@code shared}'s activations, spread over the pool, with
     * the row's {@link LlamaState#xb} as scratch.
     */
    private ProductInput input(int from, int to, SharedRows shared, ThreadActivations own) {
        if (to <= ThreadActivations.MAX_ROWS) {
            return own.next();
        }
        shared.maker = own.maker();
        shared.from = from;
        pool.parallelFor(to - from, 1, shared);
        return shared.input;
    }

    /** {@code s}'s {@link Steps} for this forward pass, made on first use. */
    private Steps steps(LlamaState s) {
        if (s.steps == null || s.steps.forward() != this) {
            s.steps = new Steps(s);
        }
        return s.steps;
    }

    /**
     * Activations made once a row and read by every thread (batches of more than {@link ThreadActivations#MAX_ROWS}
     * rows): as a pool step, it makes rows {@code from + b0 .. from + b1 - 1} with {@code maker}.
     */
    private static final class SharedRows implements WorkerPool.RangeTask {
        final Activation[] rows;
        final float[][] scratch;
        final ProductInput input;
        ThreadActivations.Maker maker;
        int from;

        SharedRows(Activation[] rows, float[][] scratch) {
            this.rows = rows;
            this.scratch = scratch;
            this.input = ProductInput.shared(rows);
        }

        @Override
        public void run(int b0, int b1) {
            for (int b = from + b0; b < from + b1; b++) maker.make(b, rows[b], scratch[b]);
        }
    }

    /**
     * What a state's passes hand to the pool, made once per state so that a pass allocates nothing: the makers of
     * each product's activations, their per-thread activations, the product and the steps between products. They
     * read the layer and batch of the pass in progress from here; the pool's threads see the values the calling
     * thread set before the step began.
     */
    final class Steps {
        int layer;
        int n;
        int logitsFrom;
        /** Parts of the batch rows that attention splits each head into. */
        int parts;
        final MatrixProduct product = new MatrixProduct();
        final ThreadActivations attentionIn;
        final ThreadActivations attentionOut;
        final ThreadActivations ffnIn;
        final ThreadActivations ffnOut;
        final ThreadActivations headIn;
        final SharedRows dimRows;
        final SharedRows ffnRows;
        final float[][][] qkvOut;
        final float[][][] gateUpOut;
        final float[][][] xb2Out;
        final float[][][] logitsOut;
        /** Adds rows of a product into the residual stream. */
        final WorkerPool.RangeTask residual;
        /** SwiGLU of rows of gate and up. */
        final WorkerPool.RangeTask swiglu;
        /** Rotary embedding of rows of the q, k, v products, and keys and values into the cache. */
        final WorkerPool.RangeTask rotary;
        /** Units of attention: one head over a part of the batch rows. */
        final WorkerPool.RangeTask attention;

        Steps(LlamaState s) {
            int dim = c.dim();
            int capacity = Math.max(dim, Math.max(c.qDim(), c.ffnDim()));
            attentionIn = new ThreadActivations(capacity, (b, into, scratch) -> {
                LlamaOps.rmsNorm(scratch, 0, s.x[b], 0, w.layers()[layer].attnNorm(), dim, c.rmsEps());
                prepare(into.set(scratch, 0, dim), qkv[layer], n);
            });
            attentionOut = new ThreadActivations(capacity,
                    (b, into, scratch) -> prepare(into.set(s.xb[b], 0, c.qDim()), wo[layer], n));
            ffnIn = new ThreadActivations(capacity, (b, into, scratch) -> {
                LlamaOps.rmsNorm(scratch, 0, s.x[b], 0, w.layers()[layer].ffnNorm(), dim, c.rmsEps());
                prepare(into.set(scratch, 0, dim), gateUp[layer], n);
            });
            ffnOut = new ThreadActivations(capacity,
                    (b, into, scratch) -> prepare(into.set(s.hb[b], 0, c.ffnDim()), down[layer], n));
            headIn = new ThreadActivations(capacity, (b, into, scratch) -> {
                LlamaOps.rmsNorm(scratch, 0, s.x[b], 0, w.outputNorm(), dim, c.rmsEps());
                prepare(into.set(scratch, 0, dim), head, n - logitsFrom);
            });
            dimRows = new SharedRows(s.actDim, s.xb);
            ffnRows = new SharedRows(s.actFfn, s.xb);
            qkvOut = new float[][][] {s.q, s.k, s.v};
            gateUpOut = new float[][][] {s.hb, s.hb2};
            xb2Out = new float[][][] {s.xb2};
            logitsOut = new float[][][] {s.rowLogits};
            residual = (r0, r1) -> {
                for (int b = 0; b < n; b++) LlamaOps.add(s.x[b], s.xb2[b], r0, r1);
            };
            swiglu = (r0, r1) -> {
                for (int b = 0; b < n; b++) LlamaOps.swiglu(s.hb[b], s.hb2[b], r0, r1);
            };
            rotary = (r0, r1) -> {
                for (int b = 0; b < n; b++) rotate(s, layer, b, r0, r1);
            };
            attention = (u0, u1) -> {
                for (int u = u0; u < u1; u++) attendRows(s, layer, u / parts, u % parts, parts, n);
            };
        }

        LlamaForward forward() {
            return LlamaForward.this;
        }
    }

    /**
     * Rows {@code [r0, r1)} of batch row {@code b}'s q, k and v products (their rows one after another): rotary
     * embedding of the queries and keys at the row's position ({@link LlamaState#ropeCos} holds its table), queries
     * rounded to the cache's precision, keys and values into the cache of the row's sequence.
     */
    private void rotate(LlamaState s, int layer, int b, int r0, int r1) {
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int pos = s.rowPosition[b];
        LlamaState seq = s.rowSequence[b];
        float[] cos = s.ropeCos[b];
        float[] sin = s.ropeSin[b];
        int lo = r0;
        int hi = Math.min(r1, qDim);
        if (lo < hi) {
            LlamaOps.rotate(s.q[b], 0, lo, hi, c.headDim(), c.ropeDim(), cos, sin);
            seq.kvType.round(s.q[b], lo, hi - lo); // ggml multiplies an F16 cache with F16 queries
        }
        lo = Math.max(r0, qDim) - qDim;
        hi = Math.min(r1, qDim + kvDim) - qDim;
        if (lo < hi) {
            LlamaOps.rotate(s.k[b], 0, lo, hi, c.headDim(), c.ropeDim(), cos, sin);
            seq.kvType.store(s.k[b], lo, seq.keyCache[layer], pos * kvDim + lo, hi - lo);
        }
        lo = Math.max(r0, qDim + kvDim) - qDim - kvDim;
        hi = Math.min(r1, qDim + 2 * kvDim) - qDim - kvDim;
        if (lo < hi) {
            seq.kvType.store(s.v[b], lo, seq.valueCache[layer], pos * kvDim + lo, hi - lo);
        }
    }

    /** Quantises {@code x} for every matrix of a group that multiplies it in a product over {@code batch} rows. */
    private static void prepare(Activation x, WeightMatrix[] group, int batch) {
        for (WeightMatrix m : group) m.prepare(x, batch);
    }

    /**
     * Head {@code h} of part {@code part} of {@code parts} of the batch rows against the cached keys and values of
     * each row's sequence. Parts rather than whole heads, so that 32 heads spread evenly over 15 threads (as whole
     * heads, some threads took 3 and the others 2); each (head, part) has a scratch slot of its own in a sequence.
     */
    private void attendRows(LlamaState s, int layer, int h, int part, int parts, int n) {
        int slot = h * LlamaState.ATTENTION_PARTS + part;
        for (int b = part * n / parts; b < (part + 1) * n / parts; b++) {
            attendHead(s, s.rowSequence[b], layer, h, slot, b, s.rowPosition[b]);
        }
    }

    /**
     * One query head of batch row {@code b} of {@code s}, at position {@code pos}, against the keys and values
     * {@code seq} cached; scores and lane sums use {@code seq}'s scratch slot {@code slot}, which no other thread
     * touches meanwhile.
     */
    private void attendHead(LlamaState s, LlamaState seq, int layer, int h, int slot, int b, int pos) {
        float[] keys = seq.keyCache[layer];
        float[] values = seq.valueCache[layer];
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int qOff = h * headDim;
        int kvOff = (h / c.groupSize()) * headDim;
        int attOff = slot * seq.contextLength;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // ggml's 16-lane order where the head dimension allows it (llama.cpp's F16 path), plain vectors otherwise
        boolean lanes16 = headDim % 16 == 0;
        float[] q = s.q[b];
        float[] out = s.xb[b];
        if (lanes16) {
            AttentionScores.scores16(q, qOff, keys, kvOff, kvDim, pos + 1, headDim, scale, seq.att, attOff);
        } else {
            for (int t = 0; t <= pos; t++) {
                seq.att[attOff + t] = LlamaOps.dot(q, qOff, keys, t * kvDim + kvOff, headDim) * scale;
            }
        }
        LlamaOps.softmax(seq.att, attOff, pos + 1);
        seq.kvType.round(seq.att, attOff, pos + 1); // and with F16 attention weights
        if (lanes16) {
            LlamaOps.weightedSum16(out, qOff, seq.att, attOff, pos + 1, values, kvOff, kvDim, headDim);
            return;
        }
        java.util.Arrays.fill(out, qOff, qOff + headDim, 0f);
        for (int t = 0; t <= pos; t++) {
            LlamaOps.axpy(out, qOff, seq.att[attOff + t], values, t * kvDim + kvOff, headDim);
        }
    }
}
