package dev.hearth.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.chat.ChatTemplate;

/**
 * Chat templates written as plain string building, by name, producing the same text as llama.cpp's built-in
 * templates of the same name ({@code llm_chat_apply_template} in {@code src/llama-chat.cpp}). They are used when
 * the user names a template ({@code --chat-template zephyr}) or a model file carries none.
 *
 * <p>Facts taken from llama.cpp (our own code):
 * <ul>
 *   <li>{@code chatml}: {@code <|im_start|>ROLE\nCONTENT<|im_end|>\n} per message; generation prompt
 *       {@code <|im_start|>assistant\n}.</li>
 *   <li>{@code llama2}: starts with {@code [INST] }; a system message is written bare followed by {@code \n}
 *       (no {@code <<SYS>>}: that is llama.cpp's {@code llama2-sys}); a user message is {@code CONTENT [/INST]};
 *       an assistant message is {@code CONTENT</s>} and the next message reopens with {@code [INST] }. No
 *       generation prompt is added (the text already ends with {@code [/INST]}).</li>
 *   <li>{@code mistral}: llama.cpp maps a template string starting with "mistral" that has none of the v1/v3/v7
 *       markers to its llama2 template, so {@code mistral} renders exactly as {@code llama2}.</li>
 *   <li>{@code zephyr}: {@code <|ROLE|>\nCONTENT<|endoftext|>\n} per message (llama.cpp writes
 *       {@code <|endoftext|>}, not the model's EOS text); generation prompt {@code <|assistant|>\n}.</li>
 *   <li>{@code llama3}: {@code <|start_header_id|>ROLE<|end_header_id|>\n\nTRIMMED<|eot_id|>} per message, the
 *       content trimmed of surrounding whitespace; generation prompt
 *       {@code <|start_header_id|>assistant<|end_header_id|>\n\n}. No {@code <|begin_of_text|>}: the tokenizer
 *       adds BOS.</li>
 * </ul>
 */
public final class BuiltinChatTemplates {

    private static final Map<String, ChatTemplate> TEMPLATES = new LinkedHashMap<>();

    static {
        add("chatml", BuiltinChatTemplates::chatml);
        add("llama2", BuiltinChatTemplates::llama2);
        add("llama3", BuiltinChatTemplates::llama3);
        add("mistral", BuiltinChatTemplates::llama2);
        add("zephyr", BuiltinChatTemplates::zephyr);
    }

    private BuiltinChatTemplates() {
    }

    /** The template of that name, if there is one (names are case-sensitive, as in llama.cpp). */
    public static Optional<ChatTemplate> byName(String name) {
        return Optional.ofNullable(TEMPLATES.get(name));
    }

    /** Every built-in name, sorted. */
    public static List<String> names() {
        return List.copyOf(TEMPLATES.keySet());
    }

    private static void add(String name, BiFunction<List<ChatMessage>, Boolean, String> renderer) {
        TEMPLATES.put(name, new Builtin(name, renderer));
    }

    private record Builtin(String name, BiFunction<List<ChatMessage>, Boolean, String> renderer)
            implements ChatTemplate {
        @Override
        public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
            return renderer.apply(messages, addGenerationPrompt);
        }

        @Override
        public String toString() {
            return "builtin chat template " + name;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static String chatml(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        if (addGenerationPrompt) sb.append("<|im_start|>assistant\n");
        return sb.toString();
    }

    static String llama2(List<ChatMessage> messages, boolean addGenerationPrompt) {
        // llama.cpp ignores add_ass here: after a user turn the text already ends with "[/INST]".
        StringBuilder sb = new StringBuilder("[INST] ");
        boolean insideTurn = true; // the first "[INST] " is already written (BOS comes from the tokenizer)
        for (ChatMessage m : messages) {
            if (!insideTurn) {
                sb.append("[INST] ");
                insideTurn = true;
            }
            switch (m.role()) {
                case "system" -> sb.append(m.content()).append('\n');
                case "user" -> sb.append(m.content()).append(" [/INST]");
                default -> {
                    sb.append(m.content()).append("</s>");
                    insideTurn = false;
                }
            }
        }
        return sb.toString();
    }

    static String zephyr(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|").append(m.role()).append("|>\n").append(m.content()).append("<|endoftext|>\n");
        }
        if (addGenerationPrompt) sb.append("<|assistant|>\n");
        return sb.toString();
    }

    static String llama3(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                    .append(trimAscii(m.content())).append("<|eot_id|>");
        }
        if (addGenerationPrompt) sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return sb.toString();
    }

    /** Trims what C's {@code isspace} calls space (space, \t, \n, \v, \f, \r), as llama.cpp's trim does. */
    static String trimAscii(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isCSpace(s.charAt(start))) start++;
        while (end > start && isCSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
