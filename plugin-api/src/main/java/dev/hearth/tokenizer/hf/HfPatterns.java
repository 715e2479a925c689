package dev.hearth.tokenizer.hf;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.hearth.api.model.ModelFileException;

/** The {@code {"String": "..."}} or {@code {"Regex": "..."}} pattern objects of {@code tokenizer.json}. */
final class HfPatterns {
    private HfPatterns() {}

    static Pattern parse(JsonPath owner, String field) throws ModelFileException {
        JsonPath p = owner.object(field);
        if (p.has("String")) {
            return Pattern.compile(Pattern.quote(p.string("String")));
        }
        if (p.has("Regex")) {
            String regex = p.string("Regex");
            try {
                // Oniguruma's \s, \w and \d are Unicode-aware, like Java's with UNICODE_CHARACTER_CLASS
                return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw p.error("Regex", "cannot compile '" + regex + "': " + e.getDescription());
            }
        }
        throw owner.error(field, "expected {\"String\": ...} or {\"Regex\": ...}");
    }
}
