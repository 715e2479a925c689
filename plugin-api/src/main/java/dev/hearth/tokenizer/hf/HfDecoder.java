package dev.hearth.tokenizer.hf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.model.ModelFileException;

/**
 * The {@code decoder} stage of {@code tokenizer.json}: turns token strings back into text. Like the tokenizers
 * library each step maps a list of token strings to a new list. Supported types: Sequence, Replace, ByteFallback,
 * Fuse, Strip, ByteLevel, Metaspace.
 */
@FunctionalInterface
interface HfDecoder {
    String SUPPORTED = "Sequence, Replace, ByteFallback, Fuse, Strip, ByteLevel, Metaspace";

    HfDecoder NONE = (tokens, wholeText) -> tokens;

    /**
     * @param wholeText true when decoding a whole text; false for a single token's bytes, where the steps that
     *                  only concern the start of a text (Strip, Metaspace's leading space) are skipped
     */
    List<String> decode(List<String> tokens, boolean wholeText);

    static HfDecoder parse(JsonPath json) throws ModelFileException {
        String type = json.string("type");
        return switch (type) {
            case "Sequence" -> {
                List<HfDecoder> steps = new ArrayList<>();
                for (JsonPath step : json.objects("decoders")) {
                    steps.add(parse(step));
                }
                yield (tokens, whole) -> {
                    for (HfDecoder d : steps) {
                        tokens = d.decode(tokens, whole);
                    }
                    return tokens;
                };
            }
            case "Replace" -> {
                java.util.regex.Pattern pattern = HfPatterns.parse(json, "pattern");
                String content = java.util.regex.Matcher.quoteReplacement(json.string("content"));
                yield (tokens, whole) -> tokens.stream().map(t -> pattern.matcher(t).replaceAll(content)).toList();
            }
            case "ByteFallback" -> (tokens, whole) -> byteFallback(tokens);
            case "Fuse" -> (tokens, whole) -> List.of(String.join("", tokens));
            case "Strip" -> {
                String content = json.string("content");
                int start = json.integer("start", 0);
                int stop = json.integer("stop", 0);
                yield (tokens, whole) -> whole ? tokens.stream().map(t -> strip(t, content, start, stop)).toList()
                        : tokens;
            }
            case "ByteLevel" -> (tokens, whole) -> {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (String t : tokens) {
                    ByteLevelAlphabet.decode(t, bytes);
                }
                return List.of(bytes.toString(StandardCharsets.UTF_8));
            };
            case "Metaspace" -> {
                String replacement = json.string("replacement");
                String scheme = json.optString("prepend_scheme")
                        .orElse(json.bool("add_prefix_space", true) ? "always" : "never");
                yield (tokens, whole) -> {
                    List<String> out = new ArrayList<>(tokens.size());
                    for (int i = 0; i < tokens.size(); i++) {
                        String t = tokens.get(i).replace(replacement, " ");
                        if (whole && i == 0 && !scheme.equals("never") && t.startsWith(" ")) {
                            t = t.substring(1);
                        }
                        out.add(t);
                    }
                    return out;
                };
            }
            default -> throw json.unsupported("type", type, SUPPORTED);
        };
    }

    /** The byte value of a {@code <0xAB>} token, or -1. */
    static int byteToken(String token) {
        if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
            try {
                return Integer.parseInt(token, 3, 5, 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** Runs of byte tokens become the text they encode; invalid UTF-8 gives one U+FFFD per byte. */
    private static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (String t : tokens) {
            int b = byteToken(t);
            if (b >= 0) {
                run.write(b);
                continue;
            }
            flush(run, out);
            out.add(t);
        }
        flush(run, out);
        return out;
    }

    private static void flush(ByteArrayOutputStream run, List<String> out) {
        if (run.size() == 0) {
            return;
        }
        byte[] bytes = run.toByteArray();
        run.reset();
        try {
            out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < bytes.length; i++) {
                out.add("\uFFFD");
            }
        }
    }

    private static String strip(String t, String content, int start, int stop) {
        int from = 0;
        while (from < start && t.startsWith(content, from * content.length())) {
            from++;
        }
        int begin = from * content.length();
        int end = t.length();
        for (int i = 0; i < stop && end - content.length() >= begin && t.startsWith(content, end - content.length()); i++) {
            end -= content.length();
        }
        return t.substring(begin, end);
    }
}
