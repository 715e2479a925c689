package dev.hearth.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenariosTest {

    private static int words(String s) {
        return s.strip().split("\\s+").length;
    }

    @Test
    void shippedScenariosHaveRealPromptsOfTheAdvertisedSize() {
        Scenarios s = Scenarios.shipped();
        assertEquals(List.of("short", "medium", "code", "long"), s.names());
        assertEquals(List.of("short", "medium", "code", "long", "pp512", "tg128"),
                s.defaults().stream().map(Scenario::name).toList());
        // roughly 0.75 words per token of English prose
        assertTrue(words(s.get("short").prompt()) >= 8 && words(s.get("short").prompt()) <= 25);
        assertTrue(words(s.get("medium").prompt()) >= 150 && words(s.get("medium").prompt()) <= 260);
        assertTrue(s.get("code").prompt().contains("public final class Inventory"));
        assertTrue(words(s.get("long").prompt()) >= 1000);
        assertEquals(64, s.get("short").generate());
        assertEquals(256, s.get("code").generate());
        assertEquals(1500, s.get("long").promptTokens());
    }

    @Test
    void llamaBenchAndChatNames() {
        Scenarios s = Scenarios.shipped();
        Scenario pp = s.get("pp512");
        assertEquals(Scenario.Kind.PP, pp.kind());
        assertEquals(512, pp.promptTokens());
        Scenario tg = s.get("tg128");
        assertEquals(Scenario.Kind.TG, tg.kind());
        assertEquals(128, tg.generate());
        assertEquals(1, tg.sessions());
        Scenario together = s.get("tg64x4");
        assertEquals(Scenario.Kind.TG, together.kind());
        assertEquals(64, together.generate());
        assertEquals(4, together.sessions());
        assertThrows(IllegalArgumentException.class, () -> s.get("pp512x4"), "only tg runs several sessions");
        Scenario chat = s.get("medium:chat");
        assertTrue(chat.chat());
        assertEquals(s.get("medium").prompt(), chat.prompt());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.get("huge"));
        assertTrue(e.getMessage().contains("short"), e.getMessage());
    }

    @Test
    void aFileOverridesAndAdds(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mine.txt"), "A prompt of my own, read from a file.");
        Path file = dir.resolve("scenarios.json");
        Files.writeString(file, """
                { "defaults": ["short", "mine"],
                  "scenarios": [
                    { "name": "short", "prompt": "Overridden short prompt.", "promptTokens": 4, "generate": 8 },
                    { "name": "mine", "promptFile": "mine.txt", "promptTokens": 9, "generate": 3 } ] }
                """);
        Scenarios s = Scenarios.shippedWith(file);
        assertEquals("Overridden short prompt.", s.get("short").prompt());
        assertEquals(8, s.get("short").generate());
        assertEquals("A prompt of my own, read from a file.", s.get("mine").prompt());
        assertEquals(List.of("short", "mine"), s.defaults().stream().map(Scenario::name).toList());
        assertTrue(s.names().contains("long"));
    }

    @Test
    void badFilesAreRefusedWithTheirName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{ \"scenarios\": [ { \"name\": \"x\", \"generate\": 3 } ] }");
        IOException e = assertThrows(IOException.class, () -> Scenarios.shippedWith(file));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("'x'"), e.getMessage());
        Files.writeString(file, "{ \"defaults\": [\"nope\"] }");
        assertThrows(IllegalArgumentException.class, () -> Scenarios.shippedWith(file));
    }
}
