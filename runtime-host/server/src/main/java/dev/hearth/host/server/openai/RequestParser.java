package dev.hearth.host.server.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.SamplingParams;
import dev.hearth.host.server.store.ModelStore;

/**
 * Reads OpenAI request bodies into {@link CompletionRequest}s, checking every field: a wrong type, a value out of
 * range or a feature we do not have is a 400 naming the parameter. Fields no generation needs ({@code user},
 * {@code metadata}, ...) are ignored, as OpenAI's own server does with unknown ones.
 *
 * <p>Sampling: absent fields take llama.cpp's defaults, as {@code hearth run} does (temperature 0.8, top_k 40, top_p
 * 0.95, min_p 0.05, no repetition penalty); {@code top_k}, {@code min_p}, {@code repeat_penalty} and
 * {@code repeat_last_n} are llama-server's extensions. Without {@code seed} the draw is seeded at random.
 * {@code frequency_penalty} and {@code presence_penalty} are accepted only as 0, {@code n} only as 1.
 */
public final class RequestParser {

    /** Bounds a request must stay within. */
    public record Limits(int maxPromptChars, int defaultMaxTokens, int maxTokensLimit) {}

    private static final int MAX_STOPS = 16;
    private static final int MAX_STOP_CHARS = 256;
    private static final int MAX_MESSAGES = 4096;
    private static final Pattern BACKEND_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "developer");

    private final Limits limits;

    public RequestParser(Limits limits) {
        this.limits = limits;
    }

    public CompletionRequest parse(boolean chat, JsonObject body) throws ApiError {
        String model = string(body, "model", null);
        if (model == null) throw ApiError.invalid("model", "'model' is required: the name of a model in the models "
                + "folder (GET /v1/models lists them)");
        try {
            ModelStore.checkName(model);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("model", e.getMessage());
        }
        String backend = string(body, "backend", null);
        if (backend != null && !BACKEND_ID.matcher(backend).matches()) {
            throw ApiError.invalid("backend", "'backend' must be a backend id such as gguf-cpu");
        }
        unsupported(body);

        String prompt = "";
        List<ChatMessage> messages = List.of();
        if (chat) {
            if (body.has("prompt")) throw ApiError.invalid("prompt", "chat completions take 'messages', not 'prompt'");
            messages = messages(body);
        } else {
            if (body.has("messages")) throw ApiError.invalid("messages", "completions take 'prompt'; use "
                    + "/v1/chat/completions for 'messages'");
            prompt = prompt(body);
        }
        int chars = prompt.length() + messages.stream().mapToInt(m -> m.content().length()).sum();
        if (chars > limits.maxPromptChars()) {
            throw new ApiError(413, "invalid_request_error", chat ? "messages" : "prompt", "the prompt is " + chars
                    + " characters; this server accepts at most " + limits.maxPromptChars());
        }

        int maxTokens = (int) integer(body, firstPresent(body, "max_completion_tokens", "max_tokens", "n_predict"),
                limits.defaultMaxTokens(), 0, limits.maxTokensLimit());
        long seed = body.has("seed") && !body.get("seed").isJsonNull() ? integer(body, "seed", 0, Long.MIN_VALUE,
                Long.MAX_VALUE) : ThreadLocalRandom.current().nextLong();
        SamplingParams defaults = SamplingParams.defaults(seed);
        SamplingParams sampling;
        try {
            sampling = new SamplingParams(
                    (float) number(body, "temperature", defaults.temperature(), 0, 10),
                    (int) integer(body, "top_k", defaults.topK(), 0, 1 << 20),
                    (float) number(body, "top_p", defaults.topP(), 0, 1),
                    (float) number(body, "min_p", defaults.minP(), 0, 1),
                    (float) number(body, "repeat_penalty", defaults.repetitionPenalty(), 0, 10),
                    (int) integer(body, "repeat_last_n", defaults.repeatLastN(), 0, 1 << 20),
                    seed);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(null, e.getMessage());
        }
        List<String> stop = stop(body);
        boolean stream = bool(body, "stream", false);
        boolean includeUsage = false;
        if (body.has("stream_options") && !body.get("stream_options").isJsonNull()) {
            if (!body.get("stream_options").isJsonObject()) {
                throw ApiError.invalid("stream_options", "'stream_options' must be an object");
            }
            includeUsage = bool(body.getAsJsonObject("stream_options"), "include_usage", false);
        }
        GenerationRequest g = new GenerationRequest(prompt, messages, sampling, maxTokens, stop, true);
        return new CompletionRequest(chat, model, backend, g, stream, includeUsage);
    }

    /** Features a client may ask for that we do not offer: refused by name rather than silently ignored. */
    private static void unsupported(JsonObject body) throws ApiError {
        if (integer(body, "n", 1, 1, 1) != 1) throw ApiError.invalid("n", "'n' must be 1");
        if (integer(body, "best_of", 1, 1, 1) != 1) throw ApiError.invalid("best_of", "'best_of' must be 1");
        for (String p : List.of("frequency_penalty", "presence_penalty")) {
            if (number(body, p, 0, -2, 2) != 0) {
                throw ApiError.invalid(p, "'" + p + "' is not supported (only 0); use 'repeat_penalty'");
            }
        }
        for (String p : List.of("logprobs", "echo", "ignore_eos")) {
            if (body.has(p) && !body.get(p).isJsonNull() && !(body.get(p).isJsonPrimitive()
                    && body.get(p).getAsJsonPrimitive().isBoolean() && !body.get(p).getAsBoolean())) {
                throw ApiError.invalid(p, "'" + p + "' is not supported");
            }
        }
        for (String p : List.of("top_logprobs", "suffix", "tools", "functions", "tool_choice", "function_call",
                "audio", "prediction")) {
            if (body.has(p) && !body.get(p).isJsonNull()) throw ApiError.invalid(p, "'" + p + "' is not supported");
        }
        if (body.has("logit_bias") && body.get("logit_bias").isJsonObject()
                && !body.getAsJsonObject("logit_bias").isEmpty()) {
            throw ApiError.invalid("logit_bias", "'logit_bias' is not supported");
        }
        if (body.has("response_format") && body.get("response_format").isJsonObject()) {
            String type = string(body.getAsJsonObject("response_format"), "type", "text");
            if (!type.equals("text")) {
                throw ApiError.invalid("response_format", "response_format '" + type + "' is not supported");
            }
        }
    }

    private String prompt(JsonObject body) throws ApiError {
        JsonElement p = body.get("prompt");
        if (p == null || p.isJsonNull()) throw ApiError.invalid("prompt", "'prompt' is required");
        if (p.isJsonArray()) {
            JsonArray a = p.getAsJsonArray();
            if (a.size() != 1 || !isString(a.get(0))) {
                throw ApiError.invalid("prompt", "'prompt' must be a string (or an array of exactly one string; "
                        + "token arrays and batches are not supported)");
            }
            p = a.get(0);
        }
        if (!isString(p)) throw ApiError.invalid("prompt", "'prompt' must be a string");
        return p.getAsString();
    }

    private List<ChatMessage> messages(JsonObject body) throws ApiError {
        JsonElement m = body.get("messages");
        if (m == null || !m.isJsonArray() || m.getAsJsonArray().isEmpty()) {
            throw ApiError.invalid("messages", "'messages' must be a non-empty array of {role, content}");
        }
        JsonArray a = m.getAsJsonArray();
        if (a.size() > MAX_MESSAGES) throw ApiError.invalid("messages", "at most " + MAX_MESSAGES + " messages");
        List<ChatMessage> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String where = "messages[" + i + "]";
            if (!a.get(i).isJsonObject()) throw ApiError.invalid(where, where + " must be an object");
            JsonObject o = a.get(i).getAsJsonObject();
            String role = string(o, "role", null);
            if (role == null || !ROLES.contains(role)) {
                throw ApiError.invalid(where + ".role", where + ".role must be one of system, developer, user, "
                        + "assistant");
            }
            out.add(new ChatMessage(role.equals("developer") ? "system" : role, content(o.get("content"), where)));
        }
        return out;
    }

    /** A message's content: a string, or an array of {@code {"type":"text","text":...}} parts joined. */
    private static String content(JsonElement c, String where) throws ApiError {
        if (c == null || c.isJsonNull()) return "";
        if (isString(c)) return c.getAsString();
        if (c.isJsonArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonElement part : c.getAsJsonArray()) {
                if (!part.isJsonObject() || !"text".equals(string(part.getAsJsonObject(), "type", null))
                        || !isString(part.getAsJsonObject().get("text"))) {
                    throw ApiError.invalid(where + ".content", "only text content parts are supported");
                }
                sb.append(part.getAsJsonObject().get("text").getAsString());
            }
            return sb.toString();
        }
        throw ApiError.invalid(where + ".content", where + ".content must be a string or an array of text parts");
    }

    private static List<String> stop(JsonObject body) throws ApiError {
        JsonElement s = body.get("stop");
        if (s == null || s.isJsonNull()) return List.of();
        List<String> out = new ArrayList<>();
        if (isString(s)) {
            out.add(s.getAsString());
        } else if (s.isJsonArray()) {
            for (JsonElement e : s.getAsJsonArray()) {
                if (!isString(e)) throw ApiError.invalid("stop", "'stop' must be a string or an array of strings");
                out.add(e.getAsString());
            }
        } else {
            throw ApiError.invalid("stop", "'stop' must be a string or an array of strings");
        }
        if (out.size() > MAX_STOPS) throw ApiError.invalid("stop", "at most " + MAX_STOPS + " stop strings");
        for (String x : out) {
            if (x.length() > MAX_STOP_CHARS) {
                throw ApiError.invalid("stop", "a stop string has at most " + MAX_STOP_CHARS + " characters");
            }
        }
        return out;
    }

    // ---- typed fields ----------------------------------------------------------------------------------------

    private static String firstPresent(JsonObject o, String... keys) {
        for (String k : keys) {
            if (o.has(k) && !o.get(k).isJsonNull()) return k;
        }
        return keys[0];
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    static String string(JsonObject o, String key, String def) throws ApiError {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return def;
        if (!isString(e)) throw ApiError.invalid(key, "'" + key + "' must be a string");
        return e.getAsString();
    }

    static boolean bool(JsonObject o, String key, boolean def) throws ApiError {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return def;
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
            throw ApiError.invalid(key, "'" + key + "' must be true or false");
        }
        return e.getAsBoolean();
    }

    static double number(JsonObject o, String key, double def, double min, double max) throws ApiError {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return def;
        if (!(e instanceof JsonPrimitive p && p.isNumber())) {
            throw ApiError.invalid(key, "'" + key + "' must be a number");
        }
        double v = p.getAsDouble();
        if (!(v >= min && v <= max)) {
            throw ApiError.invalid(key, String.format(Locale.ROOT, "'%s' must be between %s and %s, was %s", key,
                    min, max, p.getAsString()));
        }
        return v;
    }

    static long integer(JsonObject o, String key, long def, long min, long max) throws ApiError {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return def;
        long v;
        try {
            if (!(e instanceof JsonPrimitive p && p.isNumber())) throw new NumberFormatException();
            v = p.getAsBigDecimal().longValueExact();
        } catch (NumberFormatException | ArithmeticException x) {
            throw ApiError.invalid(key, "'" + key + "' must be a whole number");
        }
        if (v < min || v > max) {
            throw ApiError.invalid(key, "'" + key + "' must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }
}
