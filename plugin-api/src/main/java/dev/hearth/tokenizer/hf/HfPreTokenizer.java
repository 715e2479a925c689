package dev.hearth.tokenizer.hf;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hearth.api.model.ModelFileException;

/**
 * The {@code pre_tokenizer} stage of {@code tokenizer.json}: splits normalised text into the words the model
 * sees one at a time. Supported types: Metaspace, ByteLevel, Split, Digits, Sequence.
 */
@FunctionalInterface
interface HfPreTokenizer {
    String SUPPORTED = "Metaspace, ByteLevel, Split, Digits, Sequence";

    /** GPT-2's word pattern, used by ByteLevel when {@code use_regex} is true. */
    Pattern GPT2_WORDS = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    HfPreTokenizer NONE = (s, atStart) -> List.of(s);

    /**
     * Splits one piece of text.
     *
     * @param atStart whether the piece begins the original text (Metaspace's {@code prepend_scheme: first})
     */
    List<String> split(String text, boolean atStart);

    /** How a Split pre-tokenizer treats the matches (tokenizers' SplitDelimiterBehavior). */
    enum Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

    static HfPreTokenizer parse(JsonPath json) throws ModelFileException {
        String type = json.string("type");
        return switch (type) {
            case "Sequence" -> {
                List<HfPreTokenizer> steps = new ArrayList<>();
                for (JsonPath step : json.objects("pretokenizers")) {
                    steps.add(parse(step));
                }
                yield (s, atStart) -> {
                    List<String> pieces = List.of(s);
                    for (HfPreTokenizer step : steps) {
                        List<String> next = new ArrayList<>();
                        for (int i = 0; i < pieces.size(); i++) {
                            next.addAll(step.split(pieces.get(i), atStart && i == 0));
                        }
                        pieces = next;
                    }
                    return pieces;
                };
            }
            case "Metaspace" -> metaspace(json);
            case "ByteLevel" -> {
                boolean addPrefixSpace = json.bool("add_prefix_space", true);
                boolean useRegex = json.bool("use_regex", true);
                yield (s, atStart) -> {
                    if (addPrefixSpace && !s.startsWith(" ")) {
                        s = " " + s;
                    }
                    List<String> words = useRegex ? split(s, GPT2_WORDS, Behavior.Isolated, false) : List.of(s);
                    List<String> out = new ArrayList<>(words.size());
                    for (String w : words) {
                        out.add(ByteLevelAlphabet.encode(w));
                    }
                    return out;
                };
            }
            case "Split" -> {
                Pattern pattern = HfPatterns.parse(json, "pattern");
                String b = json.string("behavior");
                Behavior behavior;
                try {
                    behavior = Behavior.valueOf(b);
                } catch (IllegalArgumentException e) {
                    throw json.unsupported("behavior", b, java.util.Arrays.toString(Behavior.values()));
                }
                boolean invert = json.bool("invert", false);
                yield (s, atStart) -> split(s, pattern, behavior, invert);
            }
            case "Digits" -> {
                Pattern digits = Pattern.compile(json.bool("individual_digits", false) ? "\\p{Nd}" : "\\p{Nd}+");
                yield (s, atStart) -> split(s, digits, Behavior.Isolated, false);
            }
            default -> throw json.unsupported("type", type, SUPPORTED);
        };
    }

    private static HfPreTokenizer metaspace(JsonPath json) throws ModelFileException {
        String replacement = json.string("replacement");
        String scheme = json.optString("prepend_scheme")
                .orElse(json.bool("add_prefix_space", true) ? "always" : "never");
        if (!List.of("always", "first", "never").contains(scheme)) {
            throw json.unsupported("prepend_scheme", scheme, "always, first, never");
        }
        boolean splitWords = json.bool("split", true);
        Pattern marker = Pattern.compile(Pattern.quote(replacement));
        return (s, atStart) -> {
            s = s.replace(" ", replacement);
            boolean prepend = scheme.equals("always") || (scheme.equals("first") && atStart);
            if (prepend && !s.startsWith(replacement)) {
                s = replacement + s;
            }
            return splitWords ? split(s, marker, Behavior.MergedWithNext, false) : List.of(s);
        };
    }

    /** Splits {@code s} around the matches of {@code pattern}, as tokenizers' {@code NormalizedString::split}. */
    static List<String> split(String s, Pattern pattern, Behavior behavior, boolean invert) {
        // 1. alternate (text, isMatch) segments covering s
        List<String> parts = new ArrayList<>();
        List<Boolean> isMatch = new ArrayList<>();
        Matcher m = pattern.matcher(s);
        int last = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > last) {
                parts.add(s.substring(last, m.start()));
                isMatch.add(invert);
            }
            parts.add(m.group());
            isMatch.add(!invert);
            last = m.end();
        }
        if (last < s.length()) {
            parts.add(s.substring(last));
            isMatch.add(invert);
        }
        // 2. apply the behaviour
        List<String> out = new ArrayList<>();
        switch (behavior) {
            case Isolated -> out.addAll(parts);
            case Removed -> {
                for (int i = 0; i < parts.size(); i++) {
                    if (!isMatch.get(i)) {
                        out.add(parts.get(i));
                    }
                }
            }
            case Contiguous -> {
                for (int i = 0; i < parts.size(); i++) {
                    if (isMatch.get(i) && i > 0 && isMatch.get(i - 1)) {
                        out.set(out.size() - 1, out.getLast() + parts.get(i));
                    } else {
                        out.add(parts.get(i));
                    }
                }
            }
            case MergedWithPrevious -> {
                for (int i = 0; i < parts.size(); i++) {
                    if (isMatch.get(i) && !out.isEmpty() && !isMatch.get(i - 1)) {
                        out.set(out.size() - 1, out.getLast() + parts.get(i));
                    } else {
                        out.add(parts.get(i));
                    }
                }
            }
            case MergedWithNext -> {
                String pending = "";
                for (int i = 0; i < parts.size(); i++) {
                    if (isMatch.get(i)) {
                        if (!pending.isEmpty()) {
                            out.add(pending);
                        }
                        pending = parts.get(i);
                    } else {
                        out.add(pending + parts.get(i));
                        pending = "";
                    }
                }
                if (!pending.isEmpty()) {
                    out.add(pending);
                }
            }
        }
        return out;
    }
}
