package dev.hearth.tokenizer.hf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.hearth.api.model.ModelFileException;

/**
 * {@code tokenizer_config.json}: what transformers adds around the tokenizer.
 *
 * @param file           the file read
 * @param tokenizerClass {@code tokenizer_class}, e.g. {@code LlamaTokenizer}
 * @param bosToken       {@code bos_token}, written as a string or as an object with {@code content}
 * @param eosToken       {@code eos_token}, likewise
 * @param unkToken       {@code unk_token}, likewise
 * @param padToken       {@code pad_token}, likewise
 * @param addBosToken    {@code add_bos_token}, when present
 * @param addEosToken    {@code add_eos_token}, when present
 * @param chatTemplates  {@code chat_template}: a single string is stored under the name {@code default}; a list
 *                       of {@code {"name", "template"}} objects keeps its names, in order
 */
public record HfTokenizerConfig(Path file, Optional<String> tokenizerClass, Optional<String> bosToken,
        Optional<String> eosToken, Optional<String> unkToken, Optional<String> padToken,
        Optional<Boolean> addBosToken, Optional<Boolean> addEosToken, Map<String, String> chatTemplates) {

    public HfTokenizerConfig {
        chatTemplates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(chatTemplates));
    }

    /** The default chat template: the one named {@code default}, else the first. */
    public Optional<String> chatTemplate() {
        String t = chatTemplates.get("default");
        return Optional.ofNullable(t != null ? t : chatTemplates.values().stream().findFirst().orElse(null));
    }

    /**
     * Reads {@code tokenizer_config.json}.
     *
     * @throws ModelFileException naming the file and field when a field has the wrong type
     */
    public static HfTokenizerConfig read(Path file) throws IOException {
        JsonPath root = new JsonPath(file, "", HfTokenizerJson.readJsonObject(file));
        Map<String, String> templates = new LinkedHashMap<>();
        JsonElement ct = root.object().get("chat_template");
        if (ct != null && !ct.isJsonNull()) {
            if (ct instanceof JsonPrimitive p && p.isString()) {
                templates.put("default", p.getAsString());
            } else if (ct.isJsonArray()) {
                for (JsonPath t : root.objects("chat_template")) {
                    templates.put(t.string("name"), t.string("template"));
                }
            } else {
                throw root.error("chat_template", "expected a string or a list of {name, template}");
            }
        }
        Optional<Boolean> addBos = root.has("add_bos_token") ? Optional.of(root.bool("add_bos_token", false))
                : Optional.empty();
        Optional<Boolean> addEos = root.has("add_eos_token") ? Optional.of(root.bool("add_eos_token", false))
                : Optional.empty();
        return new HfTokenizerConfig(file, root.optString("tokenizer_class"), token(root, "bos_token"),
                token(root, "eos_token"), token(root, "unk_token"), token(root, "pad_token"), addBos, addEos,
                templates);
    }

    /** A special token written as {@code "<s>"} or as {@code {"content": "<s>", ...}}. */
    private static Optional<String> token(JsonPath root, String field) throws ModelFileException {
        JsonElement e = root.object().get(field);
        if (e == null || e.isJsonNull()) {
            return Optional.empty();
        }
        if (e instanceof JsonObject) {
            return Optional.of(root.object(field).string("content"));
        }
        return root.optString(field);
    }
}
