package dev.hearth.host.server.openai;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/** Strict JSON in and out: request bodies must be one well-formed JSON object in UTF-8, nothing before or after. */
public final class Json {
    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);
    private static final Gson OUT = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Json() {
    }

    /** Parses a request body; a 400 {@link ApiError} saying what is wrong otherwise. */
    public static JsonObject parseObject(byte[] body) throws ApiError {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalid(null, "the request body is not valid UTF-8");
        }
        if (text.isBlank()) throw ApiError.invalid(null, "the request body is empty; expected a JSON object");
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = ELEMENT.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw ApiError.invalid(null, "malformed JSON: unexpected data after the object");
            }
            if (!e.isJsonObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
            return e.getAsJsonObject();
        } catch (JsonParseException | IOException | IllegalStateException | NumberFormatException e) {
            throw ApiError.invalid(null, "malformed JSON: " + shortMessage(e));
        }
    }

    /** Gson's message without its documentation link. */
    private static String shortMessage(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int see = m.indexOf("\nSee ");
        m = (see < 0 ? m : m.substring(0, see)).strip();
        // Gson's advice is for programmers, not for the client
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ", "").strip();
    }

    public static String write(JsonElement e) {
        return OUT.toJson(e == null ? JsonNull.INSTANCE : e);
    }

    /** The OpenAI error body: {@code {"error": {"message", "type", "param", "code"}}}. */
    public static JsonObject error(String type, String param, String message) {
        JsonObject inner = new JsonObject();
        inner.addProperty("message", message);
        inner.addProperty("type", type);
        if (param == null) inner.add("param", JsonNull.INSTANCE);
        else inner.addProperty("param", param);
        inner.add("code", JsonNull.INSTANCE);
        JsonObject o = new JsonObject();
        o.add("error", inner);
        return o;
    }
}
