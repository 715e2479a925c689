package dev.hearth.host.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestParserTest {
    private final RequestParser parser = new RequestParser(new RequestParser.Limits(1000, 256, 4096));

    private CompletionRequest parse(boolean chat, String json) throws ApiError {
        return parser.parse(chat, Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsAChatRequestWithTheUsualParameters() throws ApiError {
        CompletionRequest r = parse(true, """
                {"model":"tiny","messages":[{"role":"system","content":"be brief"},
                 {"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]}],
                 "temperature":0.5,"top_p":0.9,"max_tokens":12,"stop":["\\n","END"],"seed":42,
                 "stream":true,"stream_options":{"include_usage":true},"user":"ignored"}""");
        assertTrue(r.chat() && r.stream() && r.includeUsage());
        assertEquals("tiny", r.model());
        assertEquals(2, r.generation().messages().size());
        assertEquals("Hi there", r.generation().messages().get(1).content());
        assertEquals(0.5f, r.generation().sampling().temperature());
        assertEquals(0.9f, r.generation().sampling().topP());
        assertEquals(42, r.generation().sampling().seed());
        assertEquals(12, r.generation().maxTokens());
        assertEquals(List.of("\n", "END"), r.generation().stop());
    }

    @Test
    void absentSamplingTakesTheDefaultsHearthRunUses() throws ApiError {
        CompletionRequest r = parse(false, "{\"model\":\"tiny\",\"prompt\":\"Once\",\"seed\":7}");
        var s = r.generation().sampling();
        assertEquals(0.8f, s.temperature());
        assertEquals(40, s.topK());
        assertEquals(0.95f, s.topP());
        assertEquals(0.05f, s.minP());
        assertEquals(256, r.generation().maxTokens(), "the configured default");
        assertFalse(r.stream());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\":\"x\"}                                          | model",
            "{\"model\":\"../x\",\"prompt\":\"x\"}                       | model",
            "{\"model\":\"a/b\",\"prompt\":\"x\"}                        | model",
            "{\"model\":\"m\",\"prompt\":\"x\",\"temperature\":\"hot\"}  | temperature",
            "{\"model\":\"m\",\"prompt\":\"x\",\"temperature\":-1}       | temperature",
            "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":1.5}       | max_tokens",
            "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":100000}    | max_tokens",
            "{\"model\":\"m\",\"prompt\":\"x\",\"n\":2}                  | n",
            "{\"model\":\"m\",\"prompt\":\"x\",\"frequency_penalty\":1}  | frequency_penalty",
            "{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":true}        | logprobs",
            "{\"model\":\"m\",\"prompt\":\"x\",\"stop\":[1]}             | stop",
            "{\"model\":\"m\",\"prompt\":[1,2,3]}                        | prompt",
            "{\"model\":\"m\",\"prompt\":\"x\",\"backend\":\"A B\"}       | backend"})
    void refusesBadFieldsNamingTheParameter(String json, String param) {
        ApiError e = assertThrows(ApiError.class, () -> parse(false, json.strip()));
        assertEquals(400, e.status());
        assertEquals(param, e.param(), e.getMessage());
    }

    @Test
    void chatMessagesAreChecked() {
        assertEquals("messages[0].role", assertThrows(ApiError.class, () -> parse(true,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")).param());
        assertEquals("messages", assertThrows(ApiError.class, () -> parse(true,
                "{\"model\":\"m\",\"messages\":[]}")).param());
    }

    @Test
    void promptsLongerThanTheLimitAre413() {
        ApiError e = assertThrows(ApiError.class, () -> parse(false,
                "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(1001) + "\"}"));
        assertEquals(413, e.status());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"model\": | malformed JSON", "[1] | JSON object", "'' | empty",
            "{\"a\":1} trailing | malformed JSON: at line 1", "{a:1} | malformed JSON", "{\"a\":NaN} | malformed JSON"})
    void malformedBodiesAre400WithAMessage(String body, String message) {
        ApiError e = assertThrows(ApiError.class, () -> Json.parseObject(body.strip().replace("''", "")
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void invalidUtf8Is400() {
        ApiError e = assertThrows(ApiError.class, () -> Json.parseObject(new byte[]{'{', (byte) 0xff, '}'}));
        assertTrue(e.getMessage().contains("UTF-8"));
    }
}
