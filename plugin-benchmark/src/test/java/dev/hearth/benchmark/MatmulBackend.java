package dev.hearth.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.GenerationStats;
import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.StopReason;
import dev.hearth.api.session.TokenListener;
import dev.hearth.api.tokenizer.Tokenizer;

/**
 * A test backend doing real, deterministic CPU work: each evaluated token runs {@code layers} matrix-vector
 * products of size {@code dim} and, when logits are asked for, one {@code vocab x dim} product. Its timings are
 * therefore measured, never invented. A word-level tokenizer (one token per whitespace-separated word) keeps
 * prompt sizes close to what a real tokenizer gives.
 */
class MatmulBackend implements Backend {

    static final int VOCAB = 512;
    static final int BOS = 1;
    static final int EOS = 2;

    final String id;
    final int dim;
    final int layers;
    /** Generate emits EOS after this many tokens; -1 never. */
    volatile int eosAfter = -1;

    MatmulBackend(String id, int dim, int layers) {
        this.id = id;
        this.dim = dim;
        this.layers = layers;
    }

    static ModelDescription model(String name, boolean random) {
        return new ModelDescription(Path.of("/models/" + name + ".test"), "test", "matmul", name, 1000, "F32",
                List.of(), 4096, new ModelDescription.TokenizerInfo("words", "", VOCAB, Map.of()), Optional.empty(),
                random ? Map.of(ModelDescription.PROP_RANDOM_WEIGHTS, "true") : Map.of());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public DeviceInfo device() {
        return new DeviceInfo(DeviceInfo.Type.CPU, 0, "test CPU", 1, 0, 1L << 30, 1L << 29, "");
    }

    @Override
    public Set<String> formats() {
        return Set.of("test");
    }

    @Override
    public String version() {
        return "matmul-1.0";
    }

    @Override
    public Support supports(ModelDescription model) {
        return model.format().equals("test") ? Support.yes() : Support.no("only test models, not " + model.format());
    }

    @Override
    public LoadedModel load(ModelDescription model, LoadOptions options) {
        return new Loaded(model, this);
    }

    /** Whether work may proceed; the vanishing backend overrides it. */
    void check() {
    }

    static final class Loaded implements LoadedModel {
        final ModelDescription description;
        final MatmulBackend backend;
        final float[] weights;
        final float[] output;
        volatile boolean closed;

        Loaded(ModelDescription description, MatmulBackend backend) {
            this.description = description;
            this.backend = backend;
            SplittableRandom r = new SplittableRandom(42);
            weights = new float[backend.dim * backend.dim];
            for (int i = 0; i < weights.length; i++) weights[i] = (float) (r.nextDouble() - 0.5) * 0.2f;
            output = new float[VOCAB * backend.dim];
            for (int i = 0; i < output.length; i++) output[i] = (float) (r.nextDouble() - 0.5);
        }

        @Override public ModelDescription description() { return description; }
        @Override public String backendId() { return backend.id; }
        @Override public Tokenizer tokenizer() { return new WordTokenizer(); }

        @Override
        public Optional<ChatTemplate> chatTemplate() {
            return Optional.of(new ChatTemplate() {
                @Override public String name() { return "test"; }

                @Override
                public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
                    StringBuilder sb = new StringBuilder();
                    for (ChatMessage m : messages) sb.append("<|").append(m.role()).append("|> ").append(m.content()).append(' ');
                    return sb.append(addGenerationPrompt ? "<|assistant|>" : "").toString();
                }
            });
        }

        @Override public int contextLength() { return 4096; }
        @Override public long weightBytes() { return 4L * (weights.length + output.length); }

        @Override
        public Session newSession() {
            if (closed) throw new IllegalStateException("closed");
            return new MatmulSession(this);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class MatmulSession implements Session {
        private final Loaded m;
        private final float[] state;
        private final float[] tmp;
        private final float[] logits = new float[VOCAB];
        private int position;
        private volatile boolean cancel;

        MatmulSession(Loaded m) {
            this.m = m;
            state = new float[m.backend.dim];
            tmp = new float[m.backend.dim];
        }

        @Override public int contextLength() { return m.contextLength(); }
        @Override public int position() { return position; }

        @Override
        public void reset() {
            position = 0;
            java.util.Arrays.fill(state, 0);
        }

        @Override
        public void evaluate(int[] tokens, int from, int to, LogitsMode mode, LogitsConsumer consumer) {
            m.backend.check();
            if (position + (to - from) > contextLength()) {
                throw new ContextOverflowException(position, to - from, contextLength());
            }
            for (int i = from; i < to; i++) {
                step(tokens[i]);
                if (mode == LogitsMode.ALL || (mode == LogitsMode.LAST && i == to - 1)) {
                    computeLogits();
                    consumer.accept(i - from, logits);
                }
            }
        }

        /** One token: mix it into the state, then {@code layers} dense matrix-vector products with tanh. */
        private void step(int token) {
            int dim = state.length;
            state[token % dim] += 1f;
            for (int l = 0; l < m.backend.layers; l++) {
                for (int r = 0; r < dim; r++) {
                    float acc = 0;
                    int base = r * dim;
                    for (int c = 0; c < dim; c++) acc += m.weights[base + c] * state[c];
                    tmp[r] = (float) Math.tanh(acc + state[r]);
                }
                System.arraycopy(tmp, 0, state, 0, dim);
            }
            position++;
        }

        private void computeLogits() {
            int dim = state.length;
            for (int v = 0; v < VOCAB; v++) {
                float acc = 0;
                for (int c = 0; c < dim; c++) acc += m.output[v * dim + c] * state[c];
                logits[v] = acc;
            }
        }

        private int argmax() {
            int best = 3;
            for (int v = 3; v < VOCAB; v++) if (logits[v] > logits[best]) best = v;
            return best;
        }

        @Override
        public GenerationResult generate(GenerationRequest request, TokenListener listener) {
            long start = System.nanoTime();
            cancel = false;
            reset();
            String text = request.isChat() ? m.chatTemplate().orElseThrow().render(request.messages(), true)
                    : request.prompt();
            int[] prompt = new WordTokenizer().encode(text, request.addBos(), false);
            evaluate(prompt, 0, prompt.length, LogitsMode.LAST, LogitsConsumer.IGNORE);
            long promptNanos = System.nanoTime() - start;
            List<Integer> out = new ArrayList<>();
            long[] times = new long[request.maxTokens()];
            long last = System.nanoTime();
            long ttft = -1;
            StopReason reason = StopReason.MAX_TOKENS;
            int[] one = new int[1];
            for (int i = 0; i < request.maxTokens(); i++) {
                if (cancel) { reason = StopReason.CANCELLED; break; }
                int next = (m.backend.eosAfter >= 0 && i == m.backend.eosAfter) ? EOS : argmax();
                long now = System.nanoTime();
                times[i] = now - last;
                last = now;
                if (ttft < 0) ttft = now - start;
                out.add(next);
                listener.onToken(next, "w" + next + " ");
                if (next == EOS) { reason = StopReason.END_OF_GENERATION; break; }
                if (i + 1 < request.maxTokens()) {
                    one[0] = next;
                    evaluate(one, 0, 1, LogitsMode.LAST, LogitsConsumer.IGNORE);
                }
            }
            int n = out.size();
            GenerationStats stats = new GenerationStats(prompt.length, n, promptNanos, ttft,
                    java.util.Arrays.copyOf(times, n), System.nanoTime() - start, -1, -1, reason);
            return new GenerationResult("", out.stream().mapToInt(Integer::intValue).toArray(), stats);
        }

        @Override public void cancel() { cancel = true; }
        @Override public void close() { }
    }

    /** One token per whitespace-separated word, id from the word's hash; BOS = 1, EOS = 2. */
    static final class WordTokenizer implements Tokenizer {
        @Override public String kind() { return "words"; }
        @Override public int vocabSize() { return VOCAB; }

        @Override
        public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
            String[] words = text.strip().split("\\s+");
            int[] ids = new int[words.length + (addSpecial ? 1 : 0)];
            int k = 0;
            if (addSpecial) ids[k++] = BOS;
            for (String w : words) ids[k++] = 3 + Math.floorMod(w.hashCode(), VOCAB - 3);
            return ids;
        }

        @Override public String decode(int[] tokens, boolean renderSpecial) { return ""; }
        @Override public byte[] tokenBytes(int token) { return new byte[0]; }
        @Override public String tokenText(int token) { return "w" + token; }
        @Override public int bos() { return BOS; }
        @Override public int eos() { return EOS; }
        @Override public boolean isEndOfGeneration(int token) { return token == EOS; }
        @Override public boolean addsBos() { return true; }
        @Override public boolean isSpecial(int token) { return token < 3; }
    }
}
