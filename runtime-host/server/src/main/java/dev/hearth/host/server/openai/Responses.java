package dev.hearth.host.server.openai;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import dev.hearth.api.session.GenerationStats;
import dev.hearth.api.session.StopReason;

/**
 * The JSON bodies the server sends, in OpenAI's shapes: streamed chunks ({@code text_completion} /
 * {@code chat.completion.chunk}), whole responses, usage, and per-response {@code timings} in llama-server's names
 * ({@code prompt_n}, {@code prompt_ms}, {@code predicted_per_second}, ...) plus {@code ttft_ms}, {@code queue_ms} and
 * {@code load_ms}.
 */
public final class Responses {

    private final String id;
    private final boolean chat;
    private final String model;
    private final long created;

    /**
     * @param id      the response id ({@code cmpl-...} / {@code chatcmpl-...}); every chunk carries the same
     * @param created seconds since the epoch
     */
    public Responses(String id, boolean chat, String model, long created) {
        this.id = id;
        this.chat = chat;
        this.model = model;
        this.created = created;
    }

    /** OpenAI's finish_reason: "length" when a limit ended it, else "stop"; null while running or cancelled. */
    public static String finishReason(StopReason r) {
        return switch (r) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case END_OF_GENERATION, STOP_STRING -> "stop";
            case CANCELLED -> null;
        };
    }

    /** The first chat chunk: the assistant's role, no content yet. */
    public JsonObject roleChunk() {
        JsonObject delta = new JsonObject();
        delta.addProperty("role", "assistant");
        delta.addProperty("content", "");
        return chunk(delta, null, null);
    }

    /** One piece of streamed text. */
    public JsonObject textChunk(String text) {
        if (chat) {
            JsonObject delta = new JsonObject();
            delta.addProperty("content", text);
            return chunk(delta, null, null);
        }
        return chunk(null, text, null);
    }

    /** The last chunk with a choice: empty text, the finish reason and the timings. */
    public JsonObject finalChunk(StopReason reason, GenerationStats stats, long queueNanos, long loadNanos) {
        JsonObject c = chat ? chunk(new JsonObject(), null, finishReason(reason)) : chunk(null, "", finishReason(reason));
        c.add("timings", timings(stats, queueNanos, loadNanos));
        return c;
    }

    /** {@code stream_options.include_usage}: a chunk with no choices and the usage. */
    public JsonObject usageChunk(GenerationStats stats) {
        JsonObject c = base(chat ? "chat.completion.chunk" : "text_completion");
        c.add("choices", new JsonArray());
        c.add("usage", usage(stats));
        return c;
    }

    /** The whole response of a request without {@code stream}. */
    public JsonObject complete(String text, StopReason reason, GenerationStats stats, long queueNanos, long loadNanos) {
        JsonObject o = base(chat ? "chat.completion" : "text_completion");
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        if (chat) {
            JsonObject message = new JsonObject();
            message.addProperty("role", "assistant");
            message.addProperty("content", text);
            choice.add("message", message);
        } else {
            choice.addProperty("text", text);
        }
        choice.add("logprobs", JsonNull.INSTANCE);
        addFinish(choice, finishReason(reason));
        JsonArray choices = new JsonArray();
        choices.add(choice);
        o.add("choices", choices);
        o.add("usage", usage(stats));
        o.add("timings", timings(stats, queueNanos, loadNanos));
        return o;
    }

    private JsonObject chunk(JsonObject delta, String text, String finish) {
        JsonObject o = base(chat ? "chat.completion.chunk" : "text_completion");
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        if (chat) choice.add("delta", delta);
        else choice.addProperty("text", text);
        if (!chat) choice.add("logprobs", JsonNull.INSTANCE);
        addFinish(choice, finish);
        JsonArray choices = new JsonArray();
        choices.add(choice);
        o.add("choices", choices);
        return o;
    }

    private static void addFinish(JsonObject choice, String finish) {
        if (finish == null) choice.add("finish_reason", JsonNull.INSTANCE);
        else choice.addProperty("finish_reason", finish);
    }

    private JsonObject base(String object) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", object);
        o.addProperty("created", created);
        o.addProperty("model", model);
        return o;
    }

    static JsonObject usage(GenerationStats s) {
        JsonObject u = new JsonObject();
        u.addProperty("prompt_tokens", s.promptTokens());
        u.addProperty("completion_tokens", s.generatedTokens());
        u.addProperty("total_tokens", s.promptTokens() + s.generatedTokens());
        return u;
    }

    static JsonObject timings(GenerationStats s, long queueNanos, long loadNanos) {
        JsonObject t = new JsonObject();
        t.addProperty("prompt_n", s.promptTokens());
        t.addProperty("prompt_ms", round(s.promptNanos() / 1e6));
        t.addProperty("prompt_per_second", round(s.promptTokensPerSecond()));
        t.addProperty("predicted_n", s.generatedTokens());
        t.addProperty("predicted_ms", round(s.generationNanos() / 1e6));
        t.addProperty("predicted_per_second", round(s.generationTokensPerSecond()));
        t.addProperty("ttft_ms", round(s.ttftNanos() / 1e6));
        t.addProperty("queue_ms", round(queueNanos / 1e6));
        t.addProperty("load_ms", round(loadNanos / 1e6));
        t.addProperty("total_ms", round(s.totalNanos() / 1e6));
        return t;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
