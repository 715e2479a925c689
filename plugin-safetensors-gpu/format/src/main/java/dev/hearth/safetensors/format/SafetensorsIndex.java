package dev.hearth.safetensors.format;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * {@code model.safetensors.index.json} of a sharded checkpoint:
 * {@code {"metadata": {"total_size": ...}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors"}}}.
 * Shard names must be plain file names in the same folder.
 *
 * @param file      the index file
 * @param weightMap tensor name to shard file name, in file order
 * @param metadata  {@code metadata}, values as text
 */
public record SafetensorsIndex(Path file, Map<String, String> weightMap, Map<String, String> metadata) {
    public static final String FILE_NAME = "model.safetensors.index.json";

    public SafetensorsIndex {
        weightMap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The distinct shard file names, sorted. */
    public Set<String> shards() {
        return java.util.Collections.unmodifiableSet(new TreeSet<>(weightMap.values()));
    }

    /**
     * Reads and checks the index.
     *
     * @throws SafetensorsException naming the file and field
     */
    public static SafetensorsIndex read(Path file) throws IOException {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = HfJson.parse(file, r);
        }
        JsonElement wm = root.get("weight_map");
        if (wm == null || !wm.isJsonObject()) {
            throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, "weight_map", "missing object");
        }
        Map<String, String> weights = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : wm.getAsJsonObject().entrySet()) {
            String item = "weight_map." + e.getKey();
            if (!(e.getValue() instanceof JsonPrimitive p && p.isString())) {
                throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, item, "expected a file name");
            }
            String shard = p.getAsString();
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")
                    || shard.equals(".")) {
                throw new SafetensorsException(file, SafetensorsException.NO_OFFSET, item,
                        "'" + shard + "' is not a plain file name in the model folder");
            }
            weights.put(e.getKey(), shard);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonElement md = root.get("metadata");
        if (md != null && md.isJsonObject()) {
            md.getAsJsonObject().entrySet().forEach(e -> metadata.put(e.getKey(),
                    e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString()));
        }
        return new SafetensorsIndex(file, weights, metadata);
    }
}
