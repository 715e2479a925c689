package dev.hearth.tokenizer.hf;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.hearth.api.model.ModelFileException;

/**
 * The {@code normalizer} stage of {@code tokenizer.json}: rewrites the text before it is split. Supported types:
 * Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip.
 */
@FunctionalInterface
interface HfNormalizer {
    String SUPPORTED = "Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip";

    HfNormalizer IDENTITY = s -> s;

    String normalize(String text);

    /** Parses the normalizer object at {@code json} (may be JSON null, meaning none). */
    static HfNormalizer parse(JsonPath json) throws ModelFileException {
        String type = json.string("type");
        return switch (type) {
            case "Sequence" -> {
                List<HfNormalizer> steps = new ArrayList<>();
                for (JsonPath step : json.objects("normalizers")) {
                    steps.add(parse(step));
                }
                yield s -> {
                    for (HfNormalizer n : steps) {
                        s = n.normalize(s);
                    }
                    return s;
                };
            }
            case "Prepend" -> {
                String prefix = json.string("prepend");
                // the tokenizers library prepends only to non-empty text
                yield s -> s.isEmpty() ? s : prefix + s;
            }
            case "Replace" -> {
                Pattern pattern = HfPatterns.parse(json, "pattern");
                String content = json.string("content");
                yield s -> pattern.matcher(s).replaceAll(java.util.regex.Matcher.quoteReplacement(content));
            }
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Strip" -> {
                boolean left = json.bool("strip_left", true);
                boolean right = json.bool("strip_right", true);
                yield s -> left && right ? s.strip() : left ? s.stripLeading() : right ? s.stripTrailing() : s;
            }
            default -> throw json.unsupported("type", type, SUPPORTED);
        };
    }
}
