package dev.hearth.chat;

import java.util.Optional;

import dev.hearth.api.chat.ChatTemplate;

/** Chooses the chat template a session uses. */
public final class ChatTemplates {

    /** Name given to the template a model file carries. */
    public static final String MODEL = "model";

    private ChatTemplates() {
    }

    /**
     * Picks the template, as llama.cpp's {@code --chat-template} does:
     * <ol>
     *   <li>a non-blank {@code override} wins: a built-in name ({@link BuiltinChatTemplates#names()}), or, when it
     *       contains <code>{%</code> or <code>{{</code>, Jinja source used as is; an unknown name throws
     *       {@link IllegalArgumentException} listing the valid names;</li>
     *   <li>else the model's Jinja template ({@code tokenizer.chat_template}), named {@value #MODEL};</li>
     *   <li>else empty: the model has no template and none was asked for (chat requests then fail with a message
     *       naming the built-in templates).</li>
     * </ol>
     *
     * @param modelTemplate the model's Jinja source, if it has one
     * @param bosToken      text of the model's BOS token, "" if none
     * @param eosToken      text of the model's EOS token, "" if none
     * @param override      a template name or Jinja source from the user; null or blank for none
     */
    public static Optional<ChatTemplate> select(Optional<String> modelTemplate, String bosToken, String eosToken,
                                                String override) {
        if (override != null && !override.isBlank()) {
            if (override.contains("{%") || override.contains("{{")) {
                return Optional.of(new JinjaChatTemplate("custom", override, bosToken, eosToken));
            }
            String name = override.strip();
            Optional<ChatTemplate> builtin = BuiltinChatTemplates.byName(name);
            if (builtin.isPresent()) return builtin;
            if (name.equals(MODEL) && modelTemplate.isPresent()) {
                return Optional.of(new JinjaChatTemplate(MODEL, modelTemplate.get(), bosToken, eosToken));
            }
            throw new IllegalArgumentException("unknown chat template '" + name + "'; valid names: "
                    + String.join(", ", BuiltinChatTemplates.names())
                    + (modelTemplate.isPresent() ? ", " + MODEL : "") + " (or Jinja source)");
        }
        return modelTemplate.filter(s -> !s.isBlank())
                .map(s -> new JinjaChatTemplate(MODEL, s, bosToken, eosToken));
    }

    /** The error to raise when a chat request meets a model without a template and no override was given. */
    public static IllegalStateException missing() {
        return new IllegalStateException("the model has no chat template; choose one with --chat-template "
                + String.join("|", BuiltinChatTemplates.names()));
    }
}
