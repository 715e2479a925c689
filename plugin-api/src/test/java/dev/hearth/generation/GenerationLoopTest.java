package dev.hearth.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.GenerationStats;
import dev.hearth.api.session.StopReason;
import dev.hearth.api.session.TokenListener;
import dev.hearth.chat.BuiltinChatTemplates;
import dev.hearth.chat.JinjaChatTemplate;

class GenerationLoopTest {

    private final FakeTokenizer tok = new FakeTokenizer();
    private final int hel = tok.add("Hel");
    private final int lo = tok.add("lo");
    private final int nlUs = tok.add("\nUs");
    private final int erColon = tok.add("er:");
    private final int ok = tok.add(" ok");
    private final int bang = tok.add("!STOP!");
    private final int euroHead = tok.addBytes((byte) 0xE2, (byte) 0x82);
    private final int euroTail = tok.addBytes((byte) 0xAC);
    private final int newline = tok.add("\n");
    private final int[] next = new int[tok.vocabSize()];
    private final int colon = FakeTokenizer.ch(':');
    private final int a = FakeTokenizer.ch('a');
    private final int b = FakeTokenizer.ch('b');

    { Arrays.fill(next, -1); }

    /** Prompt "Q:" then the given tokens, then EOS. */
    private FakeSession script(int ctx, int... tokens) {
        int prev = colon;
        for (int t : tokens) {
            next[prev] = t;
            prev = t;
        }
        return session(ctx, Optional.empty());
    }

    private FakeSession session(int ctx, Optional<ChatTemplate> template) {
        return new FakeSession(ctx, FakeSession.chain(tok.vocabSize(), next), tok, template);
    }

    /** Records what the listener saw. */
    private static final class Recorder implements TokenListener {
        final List<Integer> ids = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        final List<String> pieces = new ArrayList<>();

        @Override
        public synchronized void onToken(int tokenId, String piece) {
            ids.add(tokenId);
            pieces.add(piece);
            text.append(piece);
        }
    }

    private static GenerationRequest raw(String prompt, int max, String... stop) {
        return GenerationRequest.of(prompt, max).withStop(List.of(stop));
    }

    private static void assertStreamMatches(GenerationResult r, Recorder rec) {
        assertEquals(r.text(), rec.text.toString(), "listener text joins up to the result");
        assertEquals(Arrays.stream(r.tokens()).boxed().toList(), rec.ids, "each token reaches the listener once");
    }

    @Test
    void stopsAtEndOfGenerationWithoutEmittingIt() {
        FakeSession s = script(64, hel, lo);
        Recorder rec = new Recorder();
        GenerationResult r = s.generate(raw("Q:", 100), rec);
        assertEquals("Hello", r.text());
        assertArrayEquals(new int[] {hel, lo}, r.tokens());
        assertEquals(StopReason.END_OF_GENERATION, r.stats().stopReason());
        assertEquals(List.of("Hel", "lo"), rec.pieces);
        assertStreamMatches(r, rec);
        assertEquals(3, r.stats().promptTokens(), "BOS Q :");
        assertArrayEquals(new int[] {FakeTokenizer.BOS, FakeTokenizer.ch('Q'), colon}, s.batches.get(0));
    }

    @Test
    void stopsAtMaxTokens() {
        next[colon] = a;
        next[a] = b;
        next[b] = a;
        FakeSession s = session(64, Optional.empty());
        GenerationResult r = s.generate(raw("Q:", 5), TokenListener.IGNORE);
        assertEquals("ababa", r.text());
        assertEquals(StopReason.MAX_TOKENS, r.stats().stopReason());
        assertEquals(5, r.stats().generatedTokens());
        assertEquals(3 + 4, s.position(), "the last token is sampled, never evaluated");
    }

    @Test
    void maxTokensZeroEvaluatesThePromptOnly() {
        FakeSession s = script(64, hel, lo);
        GenerationResult r = s.generate(raw("Q:", 0), TokenListener.IGNORE);
        assertEquals("", r.text());
        assertEquals(0, r.stats().generatedTokens());
        assertEquals(StopReason.MAX_TOKENS, r.stats().stopReason());
        assertEquals(3, s.position());
    }

    @Test
    void stopStringSplitAcrossTokensIsNotEmitted() {
        FakeSession s = script(64, hel, lo, nlUs, erColon, ok);
        Recorder rec = new Recorder();
        GenerationResult r = s.generate(raw("Q:", 100, "\nUser:"), rec);
        assertEquals("Hello", r.text());
        assertEquals(StopReason.STOP_STRING, r.stats().stopReason());
        assertArrayEquals(new int[] {hel, lo, nlUs, erColon}, r.tokens(), "the tokens of the stop string count");
        assertEquals(List.of("Hel", "lo", "", ""), rec.pieces);
        assertStreamMatches(r, rec);
    }

    @Test
    void heldTextIsReleasedWhenTheStopStringDoesNotComplete() {
        FakeSession s = script(64, hel, lo, nlUs, erColon, ok);
        Recorder rec = new Recorder();
        GenerationResult r = s.generate(raw("Q:", 100, "\nUsX"), rec);
        assertEquals("Hello\nUser: ok", r.text());
        assertEquals(StopReason.END_OF_GENERATION, r.stats().stopReason());
        assertEquals(List.of("Hel", "lo", "\nUser:", "", " ok"), rec.pieces);
        assertStreamMatches(r, rec);
    }

    @Test
    void heldTextIsFlushedAtTheEnd() {
        FakeSession s = script(64, hel, lo, nlUs);
        Recorder rec = new Recorder();
        GenerationResult r = s.generate(raw("Q:", 100, "\nUser:"), rec);
        assertEquals("Hello\nUs", r.text());
        assertEquals(StopReason.END_OF_GENERATION, r.stats().stopReason());
        assertStreamMatches(r, rec);
    }

    @Test
    void stopStringInsideOneTokenCutsThatToken() {
        FakeSession s = script(64, hel, lo, bang, ok);
        Recorder rec = new Recorder();
        GenerationResult r = s.generate(raw("Q:", 100, "STOP", "never"), rec);
        assertEquals("Hello!", r.text());
        assertEquals(StopReason.STOP_STRING, r.stats().stopReason());
        assertStreamMatches(r, rec);
    }

    @Test
    void utf8SequenceSplitAcrossTokensIsDeliveredWhole() {
        FakeSession s = script(64, euroHead, euroTail);
        Recorder rec = new Recorder();
        GenerationResult r = s.generate(raw("Q:", 100), rec);
        assertEquals("€", r.text());
        assertEquals(List.of("", "€"), rec.pieces);
        assertStreamMatches(r, rec);
    }

    @Test
    void stopsWhenGenerationFillsTheContext() {
        next[colon] = a;
        next[a] = b;
        next[b] = a;
        FakeSession s = session(6, Optional.empty());
        GenerationResult r = s.generate(raw("Q:", 100), TokenListener.IGNORE);
        assertEquals(StopReason.CONTEXT_FULL, r.stats().stopReason());
        assertEquals(6 - 3 + 1, r.stats().generatedTokens(), "one more token than free positions");
        assertEquals(6, s.position());
    }

    @Test
    void promptLongerThanTheContextThrows() {
        FakeSession s = script(2, hel);
        assertThrows(ContextOverflowException.class, () -> s.generate(raw("Q:", 10), TokenListener.IGNORE));
        assertTrue(s.batches.isEmpty(), "nothing evaluated");
    }

    @Test
    void cancelFromAnotherThreadStopsTheLoop() throws Exception {
        next[colon] = a;
        next[a] = b;
        next[b] = a;
        FakeSession s = session(1_000_000, Optional.empty());
        s.sleepMillisPerEvaluate = 1;
        CountDownLatch three = new CountDownLatch(3);
        Thread canceller = new Thread(() -> {
            try {
                if (three.await(10, TimeUnit.SECONDS)) s.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        canceller.start();
        GenerationResult r = s.generate(raw("Q:", 100_000), (id, text) -> three.countDown());
        canceller.join();
        assertEquals(StopReason.CANCELLED, r.stats().stopReason());
        assertTrue(r.stats().generatedTokens() >= 3 && r.stats().generatedTokens() < 100_000,
                "generated " + r.stats().generatedTokens());
    }

    @Test
    void aCancelBeforeGenerateStartsIsForgotten() {
        FakeSession s = script(64, hel, lo);
        s.cancel();
        GenerationResult r = s.generate(raw("Q:", 100), TokenListener.IGNORE);
        assertEquals(StopReason.END_OF_GENERATION, r.stats().stopReason());
        assertEquals("Hello", r.text());
    }

    @Test
    void chatIsRenderedAndBosNotDoubled() {
        ChatTemplate t = new JinjaChatTemplate("test",
                "{{ bos_token }}{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}{% endfor %}"
                        + "{% if add_generation_prompt %}<a>{% endif %}", "<s>", "</s>");
        next[FakeTokenizer.ch('>')] = hel;
        next[hel] = lo;
        FakeSession s = session(256, Optional.of(t));
        GenerationRequest req = GenerationRequest.chat(List.of(ChatMessage.user("hi")), 10);
        GenerationResult r = s.generate(req, TokenListener.IGNORE);
        int[] prompt = s.batches.get(0);
        assertArrayEquals(tok.encode("<s><user>hi<a>", false, true), prompt);
        assertEquals(FakeTokenizer.BOS, prompt[0]);
        assertTrue(prompt[1] != FakeTokenizer.BOS, "one BOS only");
        assertEquals("Hello", r.text());
    }

    @Test
    void chatWithoutBosInTheTemplateGetsOneFromTheTokenizer() {
        ChatTemplate t = BuiltinChatTemplates.byName("zephyr").orElseThrow();
        next[newline] = hel;
        next[hel] = lo;
        FakeSession s = session(256, Optional.of(t));
        s.generate(GenerationRequest.chat(List.of(ChatMessage.user("hi")), 10), TokenListener.IGNORE);
        int[] prompt = s.batches.get(0);
        assertArrayEquals(tok.encode("<|user|>\nhi<|endoftext|>\n<|assistant|>\n", true, true), prompt);
        assertEquals(FakeTokenizer.BOS, prompt[0]);
    }

    @Test
    void chatWithoutTemplateFails() {
        FakeSession s = session(256, Optional.empty());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.generate(
                GenerationRequest.chat(List.of(ChatMessage.user("hi")), 10), TokenListener.IGNORE));
        assertTrue(e.getMessage().contains("zephyr"), e.getMessage());
    }

    @Test
    void statsAreConsistent() {
        next[colon] = a;
        next[a] = b;
        next[b] = a;
        FakeSession s = session(64, Optional.empty());
        s.sleepMillisPerEvaluate = 1;
        GenerationResult r = s.generate(raw("Q:", 8), TokenListener.IGNORE);
        GenerationStats st = r.stats();
        long[] tn = st.tokenNanos();
        assertEquals(st.generatedTokens(), tn.length);
        assertEquals(r.tokens().length, st.generatedTokens());
        long generation = 0;
        for (int i = 1; i < tn.length; i++) generation += tn[i];
        assertEquals(generation, st.generationNanos());
        assertEquals((st.generatedTokens() - 1) * 1e9 / generation, st.generationTokensPerSecond(), 1e-9);
        assertTrue(generation >= 7 * 1_000_000L, "seven decode steps of at least 1 ms each: " + generation);
        assertTrue(st.promptNanos() >= 1_000_000L, "prompt evaluation took at least 1 ms");
        assertTrue(st.promptNanos() <= st.ttftNanos());
        assertTrue(st.ttftNanos() <= st.totalNanos());
        assertTrue(st.promptNanos() + Arrays.stream(tn).sum() <= st.totalNanos());
        assertEquals(3, st.promptTokens());
        assertTrue(st.peakMemoryBytes() > 0 || st.peakMemoryBytes() == -1);
        assertEquals(-1, st.deviceMemoryBytes());
    }
}
