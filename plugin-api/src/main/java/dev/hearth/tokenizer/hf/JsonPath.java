package dev.hearth.tokenizer.hf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.model.UnsupportedModelException;

/**
 * A JSON object together with the file it came from and its path in that file ({@code model.merges[3]}), so that
 * every typed read can fail with a message naming the file and the JSON path.
 */
record JsonPath(Path file, String path, JsonObject object) {

    /** The path of a child field. */
    String child(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    boolean has(String field) {
        JsonElement e = object.get(field);
        return e != null && !e.isJsonNull();
    }

    ModelFileException error(String field, String problem) {
        return new ModelFileException(file, ModelFileException.NO_OFFSET, child(field), problem);
    }

    ModelFileException unsupported(String field, String value, String supported) {
        return new UnsupportedModelException(file, ModelFileException.NO_OFFSET, child(field),
                "'" + value + "' is not supported (supported: " + supported + ")");
    }

    JsonPath object(String field) throws ModelFileException {
        JsonElement e = object.get(field);
        if (e == null || !e.isJsonObject()) {
            throw error(field, e == null || e.isJsonNull() ? "missing object" : "expected an object, found " + e);
        }
        return new JsonPath(file, child(field), e.getAsJsonObject());
    }

    Optional<JsonPath> optObject(String field) throws ModelFileException {
        return has(field) ? Optional.of(object(field)) : Optional.empty();
    }

    JsonArray array(String field) throws ModelFileException {
        JsonElement e = object.get(field);
        if (e == null || !e.isJsonArray()) {
            throw error(field, e == null || e.isJsonNull() ? "missing array" : "expected an array, found " + abbreviate(e));
        }
        return e.getAsJsonArray();
    }

    /** The objects of an array field, each with its own path ({@code normalizers[2]}). */
    List<JsonPath> objects(String field) throws ModelFileException {
        JsonArray a = array(field);
        List<JsonPath> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isJsonObject()) {
                throw error(field + "[" + i + "]", "expected an object, found " + abbreviate(a.get(i)));
            }
            out.add(new JsonPath(file, child(field) + "[" + i + "]", a.get(i).getAsJsonObject()));
        }
        return out;
    }

    String string(String field) throws ModelFileException {
        return optString(field).orElseThrow(() -> error(field, "missing string"));
    }

    Optional<String> optString(String field) throws ModelFileException {
        JsonElement e = object.get(field);
        if (e == null || e.isJsonNull()) {
            return Optional.empty();
        }
        if (e instanceof JsonPrimitive p && p.isString()) {
            return Optional.of(p.getAsString());
        }
        throw error(field, "expected a string, found " + abbreviate(e));
    }

    boolean bool(String field, boolean fallback) throws ModelFileException {
        JsonElement e = object.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (e instanceof JsonPrimitive p && p.isBoolean()) {
            return p.getAsBoolean();
        }
        throw error(field, "expected true or false, found " + abbreviate(e));
    }

    int integer(String field, int fallback) throws ModelFileException {
        JsonElement e = object.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        return toInt(field, e);
    }

    int toInt(String field, JsonElement e) throws ModelFileException {
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            double d = p.getAsDouble();
            if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw error(field, "expected an integer, found " + abbreviate(e));
    }

    static String abbreviate(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
