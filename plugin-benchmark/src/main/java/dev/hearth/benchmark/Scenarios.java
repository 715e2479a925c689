package dev.hearth.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The scenario catalogue: the shipped {@code scenarios.json} with its prompt files, optionally overridden by a
 * user's file of the same shape, plus llama-bench's {@code ppN} / {@code tgN} and {@code NAME:chat} on demand.
 *
 * <pre>
 * { "defaults": ["short", ...],
 *   "scenarios": [ { "name", "description", "prompt" | "promptFile", "system", "promptTokens", "generate" } ] }
 * </pre>
 */
public final class Scenarios {

    static final String RESOURCE_DIR = "/dev/hearth/benchmark/";
    private static final String CHAT_SUFFIX = ":chat";

    private final Map<String, Scenario> byName;
    private final List<String> defaults;

    private Scenarios(Map<String, Scenario> byName, List<String> defaults) {
        this.byName = byName;
        this.defaults = defaults;
    }

    /** The shipped scenarios. */
    public static Scenarios shipped() {
        try {
            Scenarios s = new Scenarios(new LinkedHashMap<>(), List.of());
            return s.merge(resource("scenarios.json"), name -> resource(name), "scenarios.json");
        } catch (IOException e) {
            throw new IllegalStateException("shipped scenarios unreadable", e);
        }
    }

    /** The shipped scenarios, with {@code file}'s replacing same-named ones and adding new ones. */
    public static Scenarios shippedWith(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        return shipped().merge(Files.readString(file), name -> Files.readString(dir.resolve(name)),
                file.getFileName().toString());
    }

    /** Scenarios from JSON text alone (prompt files resolved by {@code files}). */
    public static Scenarios parse(String json, PromptSource files) throws IOException {
        return new Scenarios(new LinkedHashMap<>(), List.of()).merge(json, files, "<json>");
    }

    /** Reads a prompt file named in the JSON. */
    @FunctionalInterface
    public interface PromptSource {
        String read(String name) throws IOException;
    }

    private Scenarios merge(String json, PromptSource files, String origin) throws IOException {
        Map<String, Scenario> all = new LinkedHashMap<>(byName);
        List<String> defs = defaults;
        JsonObject root;
        try (Reader r = new StringReader(json)) {
            root = JsonParser.parseReader(r).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(origin + ": not a JSON object: " + e.getMessage(), e);
        }
        if (root.has("scenarios")) {
            for (JsonElement e : root.getAsJsonArray("scenarios")) {
                Scenario s = scenario(e.getAsJsonObject(), files, origin);
                all.put(s.name(), s);
            }
        }
        if (root.has("defaults")) {
            List<String> names = new ArrayList<>();
            for (JsonElement e : root.getAsJsonArray("defaults")) names.add(e.getAsString());
            defs = List.copyOf(names);
        }
        Scenarios merged = new Scenarios(all, defs);
        for (String d : defs) merged.get(d); // every default must resolve
        return merged;
    }

    private static Scenario scenario(JsonObject o, PromptSource files, String origin) throws IOException {
        String name = string(o, "name", null);
        if (name == null || name.isBlank() || name.contains(":") || Scenario.llamaBench(name) != null) {
            throw new IOException(origin + ": scenario name '" + name + "' is missing, has ':' or is a ppN/tgN name");
        }
        String prompt = string(o, "prompt", null);
        String promptFile = string(o, "promptFile", null);
        if ((prompt == null) == (promptFile == null)) {
            throw new IOException(origin + ": scenario '" + name + "' needs exactly one of prompt and promptFile");
        }
        if (promptFile != null) prompt = files.read(promptFile);
        try {
            return new Scenario(name, Scenario.Kind.TEXT, string(o, "description", name), prompt.strip(),
                    string(o, "system", ""), integer(o, "promptTokens"), integer(o, "generate"), false);
        } catch (IllegalArgumentException e) {
            throw new IOException(origin + ": " + e.getMessage(), e);
        }
    }

    private static String string(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    private static int integer(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null ? 0 : e.getAsInt();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Scenarios.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) throw new IOException("missing resource " + RESOURCE_DIR + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A scenario by name: a catalogue entry, {@code NAME:chat}, {@code ppN} or {@code tgN}.
     *
     * @throws IllegalArgumentException naming the known scenarios when there is no such one
     */
    public Scenario get(String name) {
        Scenario bench = Scenario.llamaBench(name);
        if (bench != null) return bench;
        boolean chat = name.endsWith(CHAT_SUFFIX);
        Scenario s = byName.get(chat ? name.substring(0, name.length() - CHAT_SUFFIX.length()) : name);
        if (s == null) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + String.join(", ", names())
                    + " (each also as NAME:chat), ppN, tgN");
        }
        return chat ? s.asChat() : s;
    }

    /** The scenarios run when none is named. */
    public List<Scenario> defaults() {
        return defaults.stream().map(this::get).toList();
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The catalogue, one line each, for {@code --list-scenarios}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Scenario s : byName.values()) {
            sb.append(String.format(java.util.Locale.ROOT, "%-8s ~%4d prompt tokens, %3d generated  %s%n",
                    s.name(), s.promptTokens(), s.generate(), s.description()));
        }
        sb.append("ppN      N random tokens in one evaluate (llama-bench)\n");
        sb.append("tgN      N single-token evaluates (llama-bench)\n");
        sb.append("defaults: ").append(String.join(" ", defaults)).append('\n');
        return sb.toString();
    }
}
