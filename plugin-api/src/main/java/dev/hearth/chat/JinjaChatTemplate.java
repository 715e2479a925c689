package dev.hearth.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.chat.ChatTemplate;

/**
 * A Hugging Face chat template ({@code tokenizer.chat_template} in GGUF, {@code chat_template} in
 * {@code tokenizer_config.json}) rendered with Jinjava the way {@code transformers.apply_chat_template} renders it
 * with Jinja2.
 *
 * <p>What the template sees, as in transformers: {@code messages} (a list of maps with {@code role} and
 * {@code content}), {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, and the function
 * {@code raise_exception(msg)}, which ends rendering with a {@link ChatTemplateException} carrying the message.
 * Jinja2 options as transformers sets them: {@code trim_blocks} and {@code lstrip_blocks} on, and Jinja2's default
 * of dropping a single trailing newline of the template source. A {@code strip} filter (Python's
 * {@code str.strip}) is added next to Jinjava's {@code trim}; {@code namespace()}, {@code break} and
 * {@code continue} are Jinjava built-ins.
 *
 * <p>Thread-safe: each render gets its own interpreter.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    private final String name;
    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    /**
     * @param name     name for messages and {@link #name()}, e.g. {@code model}
     * @param source   the Jinja source
     * @param bosToken text of the BOS token ({@code <s>}), or "" when the model has none
     * @param eosToken text of the EOS token ({@code </s>}), or "" when the model has none
     */
    public JinjaChatTemplate(String name, String source, String bosToken, String eosToken) {
        this.name = Objects.requireNonNull(name, "name");
        this.bosToken = Objects.requireNonNull(bosToken, "bosToken");
        this.eosToken = Objects.requireNonNull(eosToken, "eosToken");
        Objects.requireNonNull(source, "source");
        // Jinja2 (keep_trailing_newline=False) removes one newline at the end of the template source.
        this.source = source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        this.jinjava = withOwnClassLoader(JinjaChatTemplate::newJinjava);
    }

    @Override
    public String name() {
        return name;
    }

    /** The Jinja source (less a final newline, as Jinja2 reads it). */
    public String source() {
        return source;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new HashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", msgs);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);

        RenderResult result;
        try {
            result = withOwnClassLoader(() -> jinjava.renderForResult(source, bindings));
        } catch (RuntimeException e) {
            throw failure(e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw failure(error);
            }
        }
        return result.getOutput();
    }

    @Override
    public String toString() {
        return "jinja chat template " + name;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Called by templates as {@code raise_exception(msg)}; public because Jinjava binds functions by reflection. */
    public static String raiseException(String message) {
        throw new ChatTemplateException(message);
    }

    private ChatTemplateException failure(TemplateError error) {
        Throwable raised = raisedBy(error.getException());
        if (raised != null) return new ChatTemplateException(prefix() + raised.getMessage(), raised);
        String where = error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "";
        return new ChatTemplateException(prefix() + error.getMessage() + where, error.getException());
    }

    private ChatTemplateException failure(RuntimeException e) {
        Throwable raised = raisedBy(e);
        String message = raised != null ? raised.getMessage() : e.getMessage();
        return new ChatTemplateException(prefix() + message, e);
    }

    private String prefix() {
        return "chat template '" + name + "': ";
    }

    private static Throwable raisedBy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ChatTemplateException) return c;
            if (c.getCause() == c) break;
        }
        return null;
    }

    /**
     * Runs with this bundle's class loader as the thread's context loader: Jinjava's EL factory loads its parser
     * classes through the context loader, which inside OSGi is the caller's and cannot see the embedded jars.
     */
    private static <T> T withOwnClassLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JinjaChatTemplate.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Jinjava newJinjava() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)                  // transformers: trim_blocks=True
                .withLstripBlocks(true)                // transformers: lstrip_blocks=True
                .withEnableRecursiveMacroCalls(true)   // some templates render content with recursive macros
                .withMaxMacroRecursionDepth(64)
                .withFailOnUnknownTokens(false)        // an undefined variable renders as "", as in Jinja2
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)     // Python's precedence for `a or b and c`
                        .withParseWhitespaceControlStrictly(true)   // {%- -%} as Jinja2 parses them
                        .withEvaluateMapKeys(true)                  // {'role': x} uses the string key
                        .withIterateOverMapKeys(true)               // `for k in dict` gives keys
                        .build())
                .build();
        Jinjava j = new Jinjava(config);
        j.registerFunction(new ELFunctionDefinition("", "raise_exception", JinjaChatTemplate.class,
                "raiseException", String.class));
        j.registerFilter(new StripFilter());
        return j;
    }

    /** Python's {@code str.strip([chars])}: whitespace, or the given characters, from both ends. */
    private static final class StripFilter implements Filter {
        @Override
        public String getName() {
            return "strip";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) return null;
            String s = var.toString();
            if (args.length == 0 || args[0] == null) return s.strip();
            String chars = args[0];
            int start = 0;
            int end = s.length();
            while (start < end && chars.indexOf(s.charAt(start)) >= 0) start++;
            while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) end--;
            return s.substring(start, end);
        }
    }
}
