package dev.hearth.tokenizer.hf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.tokenizer.hf.HfAddedTokens.Piece;
import dev.hearth.tokenizer.hf.HfBpeModel.IntList;

/**
 * A Hugging Face {@code tokenizer.json}: the tokenizers library's pipeline as Llama-family models use it.
 *
 * <p>Encoding runs these stages, each read from the file:
 * <ol>
 *   <li>{@code added_tokens} with {@code normalized: false} are split out of the raw text;</li>
 *   <li>{@code normalizer} rewrites each remaining piece (Sequence, Prepend, Replace, NFC, ...);</li>
 *   <li>{@code added_tokens} with {@code normalized: true} are split out of the normalised pieces;</li>
 *   <li>{@code pre_tokenizer} splits pieces into words (Metaspace, ByteLevel, Split, Digits, Sequence);</li>
 *   <li>{@code model} (BPE) turns each word into ids: characters, byte fallback, merges by rank;</li>
 *   <li>{@code post_processor} (TemplateProcessing) adds BOS/EOS when special tokens are asked for.</li>
 * </ol>
 * Decoding maps ids to token strings and runs the {@code decoder} (Replace, ByteFallback, Fuse, Strip,
 * ByteLevel, Metaspace). Anything else is refused with the file and JSON path, e.g.
 * {@code tokenizer.json: model.type: 'Unigram' is not supported (supported: BPE)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HfTokenizerJson implements Tokenizer {
    /** Special tokens that end generation in the common chat formats, besides EOS. */
    private static final Set<String> END_OF_GENERATION = Set.of("</s>", "<|eot_id|>", "<|eom_id|>", "<|im_end|>",
            "<|end_of_text|>", "<|endoftext|>", "<end_of_turn>", "<|end|>");

    private final Path file;
    private final HfNormalizer normalizer;
    private final HfPreTokenizer preTokenizer;
    private final String preTokenizerName;
    private final HfBpeModel model;
    private final HfAddedTokens added;
    private final HfDecoder decoder;
    private final boolean byteLevel;
    private final String[] idToToken;
    private final boolean[] special;
    private final int[] prefix;
    private final int[] suffix;
    private final int bos;
    private final int eos;
    private final Set<Integer> endIds;

    private HfTokenizerJson(Path file, HfNormalizer normalizer, HfPreTokenizer preTokenizer, String preTokenizerName,
            HfBpeModel model, HfAddedTokens added, HfDecoder decoder, boolean byteLevel, String[] idToToken,
            boolean[] special, int[] prefix, int[] suffix, int bos, int eos, Set<Integer> endIds) {
        this.file = file;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.preTokenizerName = preTokenizerName;
        this.model = model;
        this.added = added;
        this.decoder = decoder;
        this.byteLevel = byteLevel;
        this.idToToken = idToToken;
        this.special = special;
        this.prefix = prefix;
        this.suffix = suffix;
        this.bos = bos;
        this.eos = eos;
        this.endIds = Set.copyOf(endIds);
    }

    /** Loads {@code tokenizer.json} alone: BOS and EOS come from the post-processor and common token names. */
    public static HfTokenizerJson load(Path file) throws IOException {
        return load(file, Optional.empty());
    }

    /**
     * Loads {@code tokenizer.json}, taking BOS and EOS from {@code tokenizer_config.json} where it names them.
     *
     * @throws ModelFileException naming the file and JSON path when the file is malformed or uses a stage type
     *                            that is not supported
     */
    public static HfTokenizerJson load(Path file, Optional<HfTokenizerConfig> config) throws IOException {
        JsonPath root = new JsonPath(file, "", readJsonObject(file));
        // 1. the stages
        HfNormalizer normalizer = root.has("normalizer") ? HfNormalizer.parse(root.object("normalizer"))
                : HfNormalizer.IDENTITY;
        HfPreTokenizer pre = root.has("pre_tokenizer") ? HfPreTokenizer.parse(root.object("pre_tokenizer"))
                : HfPreTokenizer.NONE;
        String preName = root.has("pre_tokenizer") ? typeName(root.object("pre_tokenizer")) : "";
        HfBpeModel model = HfBpeModel.parse(root.object("model"));
        HfAddedTokens added = HfAddedTokens.parse(root);
        HfDecoder decoder = root.has("decoder") ? HfDecoder.parse(root.object("decoder")) : HfDecoder.NONE;
        boolean byteLevel = (root.has("decoder") && typeName(root.object("decoder")).contains("ByteLevel"))
                || preName.contains("ByteLevel");
        // 2. id -> token, with the added tokens over the model's vocabulary
        int size = 0;
        for (int id : model.vocab().values()) {
            size = Math.max(size, id + 1);
        }
        for (HfAddedTokens.Token t : added.tokens()) {
            size = Math.max(size, t.id() + 1);
        }
        String[] idToToken = new String[size];
        boolean[] special = new boolean[size];
        model.vocab().forEach((token, id) -> idToToken[id] = token);
        for (HfAddedTokens.Token t : added.tokens()) {
            idToToken[t.id()] = t.content();
            special[t.id()] = t.special();
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < size; i++) {
            if (idToToken[i] != null) {
                ids.putIfAbsent(idToToken[i], i);
            }
        }
        // 3. post-processor template, then BOS/EOS
        int[][] template = root.has("post_processor") ? parseTemplate(root.object("post_processor"))
                : new int[][] {{}, {}};
        int bos = config.flatMap(HfTokenizerConfig::bosToken).map(ids::get)
                .orElse(template[0].length > 0 ? template[0][0] : firstKnown(ids, "<s>", "<|begin_of_text|>", "<bos>"));
        int eos = config.flatMap(HfTokenizerConfig::eosToken).map(ids::get)
                .orElse(firstKnown(ids, "</s>", "<|end_of_text|>", "<|endoftext|>", "<eos>"));
        java.util.HashSet<Integer> ends = new java.util.HashSet<>();
        if (eos >= 0) {
            ends.add(eos);
        }
        for (HfAddedTokens.Token t : added.tokens()) {
            if (t.special() && END_OF_GENERATION.contains(t.content())) {
                ends.add(t.id());
            }
        }
        return new HfTokenizerJson(file, normalizer, pre, preName, model, added, decoder, byteLevel, idToToken,
                special, template[0], template[1], bos, eos, ends);
    }

    /** Reads a whole JSON file as an object, strictly, naming the file and position on error. */
    static JsonObject readJsonObject(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonReader reader = new JsonReader(r);
            reader.setStrictness(Strictness.LEGACY_STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new ModelFileException(file, ModelFileException.NO_OFFSET, "", "text after the JSON value");
            }
            if (!e.isJsonObject()) {
                throw new ModelFileException(file, ModelFileException.NO_OFFSET, "", "expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException | java.nio.charset.CharacterCodingException e) {
            throw new ModelFileException(file, ModelFileException.NO_OFFSET, "", "malformed JSON: " + e.getMessage(), e);
        }
    }

    private static int firstKnown(Map<String, Integer> ids, String... tokens) {
        for (String t : tokens) {
            Integer id = ids.get(t);
            if (id != null) {
                return id;
            }
        }
        return -1;
    }

    /** {@code Metaspace}, {@code Sequence[Split,ByteLevel]}. */
    private static String typeName(JsonPath json) throws ModelFileException {
        String type = json.string("type");
        for (String list : new String[] {"pretokenizers", "decoders", "normalizers", "processors"}) {
            if (json.has(list)) {
                List<String> inner = new ArrayList<>();
                for (JsonPath p : json.objects(list)) {
                    inner.add(typeName(p));
                }
                return type + inner.toString().replace(" ", "");
            }
        }
        return type;
    }

    /** The ids before and after the sequence in the single-sequence template. */
    private static int[][] parseTemplate(JsonPath pp) throws ModelFileException {
        String type = pp.string("type");
        switch (type) {
            case "ByteLevel":
                return new int[][] {{}, {}};
            case "Sequence": {
                IntList before = new IntList();
                IntList after = new IntList();
                for (JsonPath p : pp.objects("processors")) {
                    int[][] t = parseTemplate(p);
                    Arrays.stream(t[0]).forEach(before::add);
                    Arrays.stream(t[1]).forEach(after::add);
                }
                return new int[][] {before.toArray(), after.toArray()};
            }
            case "TemplateProcessing":
                break;
            default:
                throw pp.unsupported("type", type, "TemplateProcessing, ByteLevel, Sequence");
        }
        JsonPath specials = pp.object("special_tokens");
        IntList before = new IntList();
        IntList after = new IntList();
        boolean seenSequence = false;
        List<JsonPath> items = pp.objects("single");
        for (int i = 0; i < items.size(); i++) {
            JsonPath item = items.get(i);
            if (item.has("Sequence")) {
                seenSequence = true;
            } else if (item.has("SpecialToken")) {
                String name = item.object("SpecialToken").string("id");
                JsonPath tok = specials.object(name);
                for (JsonElement id : tok.array("ids")) {
                    (seenSequence ? after : before).add(tok.toInt("ids", id));
                }
            } else {
                throw pp.error("single[" + i + "]", "expected SpecialToken or Sequence");
            }
        }
        return new int[][] {before.toArray(), after.toArray()};
    }

    /**
     * A copy whose template is {@code [BOS] $A [EOS]} as {@code tokenizer_config.json}'s {@code add_bos_token} and
     * {@code add_eos_token} say (what transformers' Llama tokenizer does to the post-processor).
     */
    public HfTokenizerJson withSpecialTokens(boolean addBos, boolean addEos) {
        int[] before = addBos && bos >= 0 ? new int[] {bos} : new int[0];
        int[] after = addEos && eos >= 0 ? new int[] {eos} : new int[0];
        return new HfTokenizerJson(file, normalizer, preTokenizer, preTokenizerName, model, added, decoder, byteLevel,
                idToToken, special, before, after, bos, eos, endIds);
    }

    /** A copy that also ends generation at {@code ids} (e.g. {@code generation_config.json}'s eos_token_id). */
    public HfTokenizerJson withEndOfGeneration(Set<Integer> ids) {
        java.util.HashSet<Integer> all = new java.util.HashSet<>(endIds);
        all.addAll(ids);
        return new HfTokenizerJson(file, normalizer, preTokenizer, preTokenizerName, model, added, decoder, byteLevel,
                idToToken, special, prefix, suffix, bos, eos, all);
    }

    public Path file() { return file; }

    /** The pre-tokenizer's type, e.g. {@code Metaspace} or {@code Sequence[Split,ByteLevel]}; empty when none. */
    public String preTokenizer() { return preTokenizerName; }

    /** The id of a token string (vocabulary or added token), or -1. */
    public int tokenId(String token) {
        Integer id = model.vocab().get(token);
        if (id != null) {
            return id;
        }
        for (HfAddedTokens.Token t : added.tokens()) {
            if (t.content().equals(token)) {
                return t.id();
            }
        }
        return -1;
    }

    /** Role to token text: {@code bos}, {@code eos}, {@code unk} where known. */
    public Map<String, String> specialTokens() {
        Map<String, String> m = new LinkedHashMap<>();
        if (bos >= 0) {
            m.put("bos", idToToken[bos]);
        }
        if (eos >= 0) {
            m.put("eos", idToToken[eos]);
        }
        return m;
    }

    @Override
    public String kind() { return byteLevel ? "gpt2" : "llama"; }

    @Override
    public int vocabSize() { return idToToken.length; }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial) {
            Arrays.stream(prefix).forEach(out::add);
        }
        List<Piece> raw = added.split(List.of(new Piece(text, -1, true)), false, parseSpecial);
        for (Piece p : raw) {
            if (p.id() >= 0) {
                out.add(p.id());
                continue;
            }
            Piece normalized = new Piece(normalizer.normalize(p.text()), -1, p.atStart());
            for (Piece q : added.split(List.of(normalized), true, parseSpecial)) {
                if (q.id() >= 0) {
                    out.add(q.id());
                    continue;
                }
                for (String word : preTokenizer.split(q.text(), q.atStart())) {
                    model.encode(word, out);
                }
            }
        }
        if (addSpecial) {
            Arrays.stream(suffix).forEach(out::add);
        }
        return out.toArray();
    }

    @Override
    public String decode(int[] tokens, boolean renderSpecial) {
        List<String> strings = new ArrayList<>(tokens.length);
        for (int t : tokens) {
            if (t < 0 || t >= idToToken.length || idToToken[t] == null || (special[t] && !renderSpecial)) {
                continue;
            }
            strings.add(idToToken[t]);
        }
        return String.join("", decoder.decode(strings, true));
    }

    @Override
    public byte[] tokenBytes(int token) {
        String text = tokenText(token);
        if (special[token]) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        int b = HfDecoder.byteToken(text);
        if (b >= 0 && model.byteFallback()) {
            return new byte[] {(byte) b};
        }
        if (byteLevel) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteLevelAlphabet.decode(text, out);
            return out.toByteArray();
        }
        return String.join("", decoder.decode(List.of(text), false)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String tokenText(int token) {
        if (token < 0 || token >= idToToken.length) {
            throw new IllegalArgumentException("token " + token + " out of range [0, " + idToToken.length + ")");
        }
        return idToToken[token] == null ? "" : idToToken[token];
    }

    @Override
    public int bos() { return bos; }

    @Override
    public int eos() { return eos; }

    @Override
    public boolean isEndOfGeneration(int token) { return endIds.contains(token); }

    @Override
    public boolean addsBos() { return prefix.length > 0 && prefix[0] == bos; }

    @Override
    public boolean isSpecial(int token) { return token >= 0 && token < special.length && special[token]; }

    @Override
    public String toString() {
        return "HfTokenizerJson[" + file.getFileName() + ", " + vocabSize() + " tokens, " + kind() + "]";
    }
}
