package dev.hearth.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.chat.ChatTemplate;

class ChatTemplatesTest {

    private static final List<ChatMessage> CHAT = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("Hello"),
            ChatMessage.assistant("Hi there"));

    private static final List<ChatMessage> ASKING = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("Hello"),
            ChatMessage.assistant("Hi there"),
            ChatMessage.user("Who are you?"));

    private static String builtin(String name, List<ChatMessage> m, boolean gen) {
        return BuiltinChatTemplates.byName(name).orElseThrow().render(m, gen);
    }

    // ---- built-ins: what llama.cpp's llm_chat_apply_template writes -----------------------------------------

    @Test
    void chatml() {
        String body = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello<|im_end|>\n"
                + "<|im_start|>assistant\nHi there<|im_end|>\n";
        assertEquals(body, builtin("chatml", CHAT, false));
        assertEquals(body + "<|im_start|>assistant\n", builtin("chatml", CHAT, true));
    }

    @Test
    void llama2() {
        String body = "[INST] You are a helpful assistant.\nHello [/INST]Hi there</s>";
        assertEquals(body, builtin("llama2", CHAT, false));
        assertEquals(body, builtin("llama2", CHAT, true), "llama.cpp adds no generation prompt for llama2");
        assertEquals(body + "[INST] Who are you? [/INST]", builtin("llama2", ASKING, true));
    }

    @Test
    void mistralRendersAsLlama2AsInLlamaCpp() {
        assertEquals(builtin("llama2", CHAT, true), builtin("mistral", CHAT, true));
        assertEquals(builtin("llama2", ASKING, true), builtin("mistral", ASKING, true));
    }

    @Test
    void zephyr() {
        String body = "<|system|>\nYou are a helpful assistant.<|endoftext|>\n"
                + "<|user|>\nHello<|endoftext|>\n"
                + "<|assistant|>\nHi there<|endoftext|>\n";
        assertEquals(body, builtin("zephyr", CHAT, false));
        assertEquals(body + "<|assistant|>\n", builtin("zephyr", CHAT, true));
    }

    @Test
    void llama3() {
        String body = "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>";
        assertEquals(body, builtin("llama3", CHAT, false));
        assertEquals(body + "<|start_header_id|>assistant<|end_header_id|>\n\n", builtin("llama3", CHAT, true));
        assertEquals("<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>",
                builtin("llama3", List.of(ChatMessage.user(" \n Hello\t\n")), false), "content is trimmed");
    }

    @Test
    void namesAreTheFiveBuiltins() {
        assertEquals(List.of("chatml", "llama2", "llama3", "mistral", "zephyr"), BuiltinChatTemplates.names());
    }

    // ---- Jinja templates rendered by Jinjava equal the built-ins ------------------------------------------

    @Test
    void zephyrTemplateOfLlamaMiniEqualsTheBuiltin() throws IOException {
        String shared = System.getProperty("hearth.shared");
        Assumptions.assumeTrue(shared != null, "system property hearth.shared is not set");
        Path config = Path.of(shared, "models/llama-mini/hf/tokenizer_config.json");
        Assumptions.assumeTrue(Files.exists(config), config + " is absent");
        JsonObject json;
        try (Reader r = Files.newBufferedReader(config)) {
            json = JsonParser.parseReader(r).getAsJsonObject();
        }
        String source = json.get("chat_template").getAsString();

        // llama.cpp's zephyr writes <|endoftext|> where the Jinja template writes eos_token
        JinjaChatTemplate asLlamaCpp = new JinjaChatTemplate("model", source, "<s>", "<|endoftext|>");
        for (boolean gen : new boolean[] {false, true}) {
            assertEquals(builtin("zephyr", CHAT, gen), asLlamaCpp.render(CHAT, gen), "gen=" + gen);
            assertEquals(builtin("zephyr", ASKING, gen), asLlamaCpp.render(ASKING, gen), "gen=" + gen);
        }
        // with the model's own EOS text it differs only there
        JinjaChatTemplate own = new JinjaChatTemplate("model", source, json.get("bos_token").getAsString(),
                json.get("eos_token").getAsString());
        assertEquals(builtin("zephyr", ASKING, true).replace("<|endoftext|>", "</s>"), own.render(ASKING, true));
    }

    static final String CHATML_JINJA = """
            {% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}""";

    /** Meta-Llama-3-8B-Instruct's template (BOS written by the template, content trimmed). */
    static final String LLAMA3_JINJA = """
            {% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}""";

    @Test
    void chatmlJinjaEqualsTheBuiltin() {
        JinjaChatTemplate t = new JinjaChatTemplate("model", CHATML_JINJA, "<s>", "</s>");
        for (boolean gen : new boolean[] {false, true}) {
            assertEquals(builtin("chatml", CHAT, gen), t.render(CHAT, gen));
            assertEquals(builtin("chatml", ASKING, gen), t.render(ASKING, gen));
        }
    }

    @Test
    void llama3JinjaEqualsTheBuiltinAfterBos() {
        JinjaChatTemplate t = new JinjaChatTemplate("model", LLAMA3_JINJA, "<|begin_of_text|>", "<|eot_id|>");
        List<ChatMessage> spaced = List.of(ChatMessage.system("  sys  "), ChatMessage.user("\nHello\n"));
        for (boolean gen : new boolean[] {false, true}) {
            assertEquals("<|begin_of_text|>" + builtin("llama3", CHAT, gen), t.render(CHAT, gen));
            assertEquals("<|begin_of_text|>" + builtin("llama3", spaced, gen), t.render(spaced, gen));
        }
    }

    // ---- Jinja features chat templates use ---------------------------------------------------------------

    @Test
    void raiseExceptionEndsRenderingWithTheMessage() {
        String gemmaLike = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
                + "{% endif %}{% for message in messages %}"
                + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
                + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
                + "{% endif %}{{ message['content'] }}{% endfor %}";
        JinjaChatTemplate t = new JinjaChatTemplate("gemma-like", gemmaLike, "<bos>", "<eos>");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> t.render(CHAT, true));
        assertTrue(e.getMessage().contains("System role not supported"), e.getMessage());
        ChatTemplateException e2 = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true));
        assertTrue(e2.getMessage().contains("roles must alternate"), e2.getMessage());
        assertEquals("ab", t.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), true));
    }

    @Test
    void trimBlocksAndLstripBlocksAsTransformersSetsThem() {
        String src = "{% for m in messages %}\n    {% if m['role'] == 'user' %}\nU:{{ m['content'] }}\n    {% endif %}\n"
                + "{% endfor %}\n";
        JinjaChatTemplate t = new JinjaChatTemplate("t", src, "", "");
        assertEquals("U:a\nU:b\n", t.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), false));
    }

    @Test
    void stripFilterNamespaceAndLoopControls() {
        String src = "{% set ns = namespace(sys='') %}{% for m in messages %}"
                + "{% if m['role'] == 'system' %}{% set ns.sys = m['content'] | strip %}{% continue %}{% endif %}"
                + "{% if loop.index0 > 2 %}{% break %}{% endif %}"
                + "[{{ m['content'].strip() }}|{{ ns.sys }}|{{ m['content'] | trim }}]{% endfor %}";
        JinjaChatTemplate t = new JinjaChatTemplate("t", src, "", "");
        List<ChatMessage> m = List.of(ChatMessage.system("  S  "), ChatMessage.user(" a "),
                ChatMessage.assistant("b "), ChatMessage.user("c"), ChatMessage.user("d"));
        assertEquals("[a|S|a][b|S|b]", t.render(m, false));
    }

    // ---- selection -------------------------------------------------------------------------------------------

    @Test
    void overrideNameWinsOverTheModelTemplate() {
        Optional<ChatTemplate> t = ChatTemplates.select(Optional.of(CHATML_JINJA), "<s>", "</s>", "zephyr");
        assertEquals("zephyr", t.orElseThrow().name());
    }

    @Test
    void unknownOverrideListsTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplates.select(Optional.empty(), "<s>", "</s>", "vicuna"));
        assertTrue(e.getMessage().contains("vicuna"), e.getMessage());
        for (String name : BuiltinChatTemplates.names()) assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void modelTemplateWhenNoOverride() {
        ChatTemplate t = ChatTemplates.select(Optional.of(CHATML_JINJA), "<s>", "</s>", null).orElseThrow();
        assertEquals(ChatTemplates.MODEL, t.name());
        assertEquals(builtin("chatml", CHAT, true), t.render(CHAT, true));
        assertEquals(ChatTemplates.MODEL, ChatTemplates.select(Optional.of(CHATML_JINJA), "", "", " ").orElseThrow().name());
    }

    @Test
    void overrideMayBeJinjaSource() {
        ChatTemplate t = ChatTemplates.select(Optional.empty(), "<s>", "</s>", CHATML_JINJA).orElseThrow();
        assertEquals(builtin("chatml", CHAT, true), t.render(CHAT, true));
    }

    @Test
    void nothingWhenTheModelHasNoTemplateAndNoneIsNamed() {
        assertTrue(ChatTemplates.select(Optional.empty(), "<s>", "</s>", "").isEmpty());
        assertTrue(ChatTemplates.missing().getMessage().contains("chatml"));
    }
}
