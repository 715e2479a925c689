package dev.hearth.api.session;

import java.util.List;
import java.util.Objects;

import dev.hearth.api.chat.ChatMessage;

/**
 * What to generate from: a raw prompt, or chat messages rendered through the model's chat template.
 *
 * @param prompt      raw prompt text; used when {@code messages} is empty
 * @param messages    chat messages; when not empty the chat template renders them and {@code prompt} is ignored
 * @param sampling    how tokens are chosen
 * @param maxTokens   most tokens to generate
 * @param stop        stop strings: generation ends when the text ends with one (it is not included)
 * @param addBos      whether to put the beginning-of-sequence token in front when the tokenizer wants one
 */
public record GenerationRequest(String prompt, List<ChatMessage> messages, SamplingParams sampling,
                                int maxTokens, List<String> stop, boolean addBos) {

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be >= 0, was " + maxTokens);
    }

    /** A raw prompt, greedy, with BOS. */
    public static GenerationRequest of(String prompt, int maxTokens) {
        return new GenerationRequest(prompt, List.of(), SamplingParams.greedy(), maxTokens, List.of(), true);
    }

    /** Chat messages, greedy. */
    public static GenerationRequest chat(List<ChatMessage> messages, int maxTokens) {
        return new GenerationRequest("", messages, SamplingParams.greedy(), maxTokens, List.of(), true);
    }

    public boolean isChat() {
        return !messages.isEmpty();
    }

    public GenerationRequest withSampling(SamplingParams s) {
        return new GenerationRequest(prompt, messages, s, maxTokens, stop, addBos);
    }

    public GenerationRequest withStop(List<String> s) {
        return new GenerationRequest(prompt, messages, sampling, maxTokens, s, addBos);
    }
}
