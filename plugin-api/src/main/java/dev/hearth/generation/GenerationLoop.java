package dev.hearth.generation;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.LongSupplier;

import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.GenerationStats;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.StopReason;
import dev.hearth.api.session.TokenListener;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.chat.ChatTemplates;
import dev.hearth.sampling.Sampler;
import dev.hearth.tokenizer.Utf8StreamDecoder;

/**
 * {@link Session#generate} for every backend, on top of {@link Session#evaluate}. An engine's session builds one
 * and delegates:
 *
 * <pre>{@code
 * private final CancelFlag cancel = new CancelFlag();
 * private final GenerationLoop loop = new GenerationLoop(this, model.tokenizer(), model.chatTemplate(), cancel);
 * public GenerationResult generate(GenerationRequest r, TokenListener l) { return loop.generate(r, l); }
 * public void cancel() { cancel.cancel(); }   // evaluate() may also poll cancel.isCancelled()
 * }</pre>
 *
 * <p>One generation:
 * <ol>
 *   <li>the prompt text: the request's prompt, or its messages rendered by the chat template with the generation
 *       prompt;</li>
 *   <li>tokens: {@code encode(text, addSpecial = request.addBos(), parseSpecial = isChat)}; when a chat template's
 *       text already starts with the BOS token's text, no second BOS is added;</li>
 *   <li>{@link Session#reset()}; a prompt longer than the context throws {@link ContextOverflowException};</li>
 *   <li>the prompt is evaluated with {@code LAST} logits, the prompt tokens feed the repetition penalty;</li>
 *   <li>then per token: sample; stop at an end-of-generation token (not counted, no text); stream its text through
 *       a UTF-8 stream decoder and the stop-string filter (the stop string and what follows are not delivered);
 *       stop at a stop string, at {@code maxTokens}, when cancelled, or with {@link StopReason#CONTEXT_FULL}
 *       when the token cannot be evaluated for lack of room; else evaluate it.</li>
 * </ol>
 * A request with {@code maxTokens == 0} evaluates the prompt only. Cancellation is seen after every evaluation;
 * an engine whose {@code evaluate} notices the flag may also throw {@link CancellationException}, which ends the
 * generation as {@link StopReason#CANCELLED}. An unfinished UTF-8 sequence at the very end is dropped.
 *
 * <p>Timing ({@link System#nanoTime()}): {@code promptNanos} around the prompt's evaluation; {@code tokenNanos[i]}
 * from the previous token's sampling (the first: from the end of the prompt evaluation) to this token's sampling,
 * so it holds one decode step and one sampling; TTFT from the start of {@link #generate} to the first sampled
 * token; total from start to return. Peak memory from {@link MemoryProbe#peakRssBytes()}, device memory from the
 * supplier given to {@link #withDeviceMemory} (else -1).
 */
public final class GenerationLoop {

    private final Session session;
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> chatTemplate;
    private final CancelFlag cancel;
    private final LongSupplier deviceMemoryBytes;

    /**
     * @param session      the session whose {@code evaluate} runs the model; usually the caller itself
     * @param tokenizer    the model's tokenizer
     * @param chatTemplate the template chat requests are rendered with (see
     *                     {@link ChatTemplates#select}); empty makes chat requests fail
     * @param cancel       the flag the session's {@code cancel()} sets
     */
    public GenerationLoop(Session session, Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate,
                          CancelFlag cancel) {
        this(session, tokenizer, chatTemplate, cancel, () -> -1L);
    }

    private GenerationLoop(Session session, Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate,
                           CancelFlag cancel, LongSupplier deviceMemoryBytes) {
        this.session = Objects.requireNonNull(session, "session");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.chatTemplate = Objects.requireNonNull(chatTemplate, "chatTemplate");
        this.cancel = Objects.requireNonNull(cancel, "cancel");
        this.deviceMemoryBytes = Objects.requireNonNull(deviceMemoryBytes, "deviceMemoryBytes");
    }

    /** The same loop reporting device memory (GPU backends): bytes in use by the model and session, or -1. */
    public GenerationLoop withDeviceMemory(LongSupplier bytes) {
        return new GenerationLoop(session, tokenizer, chatTemplate, cancel, bytes);
    }

    /** Renders and tokenizes the request's prompt as {@link #generate} does. */
    public int[] promptTokens(GenerationRequest request) {
        String text;
        boolean addSpecial = request.addBos();
        if (request.isChat()) {
            ChatTemplate template = chatTemplate.orElseThrow(ChatTemplates::missing);
            text = template.render(request.messages(), true);
            int bos = tokenizer.bos();
            if (bos >= 0 && text.startsWith(tokenizer.tokenText(bos))) addSpecial = false; // template wrote BOS
        } else {
            text = request.prompt();
        }
        return tokenizer.encode(text, addSpecial, request.isChat());
    }

    /** Runs one generation from an empty KV cache; see the class comment. */
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        long start = System.nanoTime();
        cancel.clear();
        int[] prompt = promptTokens(request);
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens (empty text, no BOS)");
        session.reset();
        int ctx = session.contextLength();
        if (prompt.length > ctx) throw new ContextOverflowException(0, prompt.length, ctx);

        Run run = new Run(request, listener, prompt.length);
        for (int t : prompt) run.sampler.accept(t);

        long t0 = System.nanoTime();
        try {
            if (!run.evaluate(prompt, 0, prompt.length)) {
                return run.finish(start, System.nanoTime() - t0, StopReason.CANCELLED);
            }
        } catch (CancellationException e) {
            return run.finish(start, System.nanoTime() - t0, StopReason.CANCELLED);
        }
        long promptNanos = System.nanoTime() - t0;
        return run.finish(start, promptNanos, run.decode(start, System.nanoTime()));
    }

    /** The state of one generation. */
    private final class Run {
        final GenerationRequest request;
        final Sampler sampler;
        final Utf8StreamDecoder utf8 = new Utf8StreamDecoder();
        final StopStringStreamer streamer;
        final int promptTokens;
        int[] tokens;
        long[] tokenNanos;
        final int[] one = new int[1];
        float[] logits = new float[0];
        int count;
        long ttft;

        Run(GenerationRequest request, TokenListener listener, int promptTokens) {
            this.request = request;
            this.sampler = new Sampler(request.sampling());
            this.streamer = new StopStringStreamer(request.stop(), listener);
            this.promptTokens = promptTokens;
            // at most one token more than the free context: the last one is sampled but never evaluated
            int cap = Math.min(request.maxTokens(), session.contextLength() - promptTokens + 1);
            this.tokens = new int[Math.max(cap, 0)];
            this.tokenNanos = new long[tokens.length];
        }

        /** Evaluates tokens[from, to), keeping the last logits; false when cancelled meanwhile. */
        boolean evaluate(int[] batch, int from, int to) {
            session.evaluate(batch, from, to, Session.LogitsMode.LAST, (i, l) -> {
                if (logits.length != l.length) logits = new float[l.length];
                System.arraycopy(l, 0, logits, 0, l.length);
            });
            return !cancel.isCancelled();
        }

        /** The token loop: the prompt's logits are in {@code logits}; returns why it stopped. */
        StopReason decode(long start, long previous) {
            if (request.maxTokens() == 0) return StopReason.MAX_TOKENS;
            while (true) {
                int token = sampler.sample(logits);
                long now = System.nanoTime();
                if (count == 0) ttft = now - start;
                if (tokenizer.isEndOfGeneration(token)) return StopReason.END_OF_GENERATION;
                if (count == tokens.length) grow();
                tokenNanos[count] = now - previous;
                tokens[count++] = token;
                previous = now;
                sampler.accept(token);
                if (streamer.accept(token, utf8.feed(tokenizer.tokenBytes(token)))) return StopReason.STOP_STRING;
                if (count >= request.maxTokens()) return StopReason.MAX_TOKENS;
                if (cancel.isCancelled()) return StopReason.CANCELLED;
                if (session.position() + 1 > session.contextLength()) return StopReason.CONTEXT_FULL;
                one[0] = token;
                try {
                    if (!evaluate(one, 0, 1)) return StopReason.CANCELLED;
                } catch (CancellationException e) {
                    return StopReason.CANCELLED;
                }
            }
        }

        private void grow() {
            int n = Math.max(16, tokens.length * 2);
            tokens = Arrays.copyOf(tokens, n);
            tokenNanos = Arrays.copyOf(tokenNanos, n);
        }

        GenerationResult finish(long start, long promptNanos, StopReason reason) {
            streamer.finish();
            long total = System.nanoTime() - start;
            GenerationStats stats = new GenerationStats(promptTokens, count, promptNanos, ttft,
                    Arrays.copyOf(tokenNanos, count), total, MemoryProbe.peakRssBytes(),
                    deviceMemoryBytes.getAsLong(), reason);
            return new GenerationResult(streamer.text(), Arrays.copyOf(tokens, count), stats);
        }
    }
}
