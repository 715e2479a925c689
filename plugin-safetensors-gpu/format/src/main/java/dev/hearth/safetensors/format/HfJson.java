package dev.hearth.safetensors.format;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * Typed reads from a Hugging Face JSON file ({@code config.json}, {@code generation_config.json}); every failure is
 * a {@link SafetensorsException} naming the file and the field. JSON null counts as absent.
 */
record HfJson(Path file, JsonObject root) {

    static HfJson read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, "", "file not found");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new HfJson(file, parse(file, r));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, "", "is not valid UTF-8");
        }
    }

    static JsonObject parse(Path file, Reader r) throws IOException {
        try {
            JsonReader reader = new JsonReader(r);
            // LEGACY_STRICT: transformers writes NaN and Infinity for some floats
            reader.setStrictness(Strictness.LEGACY_STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, "", "text after the JSON value");
            }
            if (!e.isJsonObject()) {
                throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, "", "expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, "", "malformed JSON: " + e.getMessage(), e);
        }
    }

    SafetensorsException error(String field, String problem) {
        return new SafetensorsException(file, SafetensorsException.NO_OFFSET, field, problem);
    }

    private JsonElement get(String field) {
        JsonElement e = root.get(field);
        return e == null || e.isJsonNull() ? null : e;
    }

    boolean has(String field) { return get(field) != null; }

    Optional<JsonObject> object(String field) throws SafetensorsException {
        JsonElement e = get(field);
        if (e == null) {
            return Optional.empty();
        }
        if (!e.isJsonObject()) {
            throw error(field, "expected an object, found " + SafetensorsHeader.abbreviate(e));
        }
        return Optional.of(e.getAsJsonObject());
    }

    int requireInt(String field) throws SafetensorsException {
        return optInt(field).orElseThrow(() -> error(field, "missing (an integer is required)"));
    }

    OptionalInt optInt(String field) throws SafetensorsException {
        JsonElement e = get(field);
        return e == null ? OptionalInt.empty() : OptionalInt.of(toInt(field, e));
    }

    int toInt(String field, JsonElement e) throws SafetensorsException {
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            double d = p.getAsDouble();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw error(field, "expected an integer, found " + SafetensorsHeader.abbreviate(e));
    }

    /** A positive integer. */
    int positive(String field, int value) throws SafetensorsException {
        if (value <= 0) {
            throw error(field, "must be positive, found " + value);
        }
        return value;
    }

    OptionalDouble optDouble(String field) throws SafetensorsException {
        JsonElement e = get(field);
        if (e == null) {
            return OptionalDouble.empty();
        }
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            return OptionalDouble.of(p.getAsDouble());
        }
        throw error(field, "expected a number, found " + SafetensorsHeader.abbreviate(e));
    }

    Optional<Boolean> optBool(String field) throws SafetensorsException {
        JsonElement e = get(field);
        if (e == null) {
            return Optional.empty();
        }
        if (e instanceof JsonPrimitive p && p.isBoolean()) {
            return Optional.of(p.getAsBoolean());
        }
        throw error(field, "expected true or false, found " + SafetensorsHeader.abbreviate(e));
    }

    Optional<String> optString(String field) throws SafetensorsException {
        JsonElement e = get(field);
        if (e == null) {
            return Optional.empty();
        }
        if (e instanceof JsonPrimitive p && p.isString()) {
            return Optional.of(p.getAsString());
        }
        throw error(field, "expected a string, found " + SafetensorsHeader.abbreviate(e));
    }

    /** A list of strings (a single string counts as a list of one). */
    List<String> strings(String field) throws SafetensorsException {
        JsonElement e = get(field);
        List<String> out = new ArrayList<>();
        if (e == null) {
            return out;
        }
        if (e instanceof JsonPrimitive p && p.isString()) {
            out.add(p.getAsString());
            return out;
        }
        if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                if (!(x instanceof JsonPrimitive p && p.isString())) {
                    throw error(field, "expected strings, found " + SafetensorsHeader.abbreviate(x));
                }
                out.add(x.getAsString());
            }
            return out;
        }
        throw error(field, "expected a list of strings, found " + SafetensorsHeader.abbreviate(e));
    }

    /** An integer or a list of integers (as {@code eos_token_id}). */
    List<Integer> ints(String field) throws SafetensorsException {
        JsonElement e = get(field);
        List<Integer> out = new ArrayList<>();
        if (e == null) {
            return out;
        }
        if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                out.add(toInt(field, x));
            }
        } else {
            out.add(toInt(field, e));
        }
        return out;
    }
}
