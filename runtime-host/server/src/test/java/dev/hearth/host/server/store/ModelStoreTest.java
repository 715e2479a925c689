package dev.hearth.host.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    @TempDir
    Path dir;

    @Test
    void namesAreEntriesOfTheFolderWithoutGguf() throws Exception {
        Files.write(dir.resolve("tiny.gguf"), new byte[10]);
        Files.createDirectories(dir.resolve("hf-model")).resolve("config.json").toFile().createNewFile();
        Files.write(dir.resolve(".half.gguf.part"), new byte[3]);
        Files.writeString(dir.resolve("notes.txt"), "x");
        ModelStore store = new ModelStore(dir);
        assertEquals(List.of("hf-model", "tiny"), store.list().stream().map(ModelStore.Entry::name).toList());
        assertEquals(10, store.find("tiny").orElseThrow().bytes());
        assertTrue(store.find("tiny.gguf").isPresent());
        assertTrue(store.find("other").isEmpty());
        store.remove("hf-model");
        assertFalse(Files.exists(dir.resolve("hf-model")));
    }

    @Test
    void namesThatArePathsAreRefused() {
        ModelStore store = new ModelStore(dir);
        for (String bad : new String[]{"../x", "a/b", "/etc/passwd", "..", ".hidden", "a\\b", "", "x\u0000y"}) {
            assertThrows(IllegalArgumentException.class, () -> store.find(bad), bad);
        }
    }

    @Test
    void removingALinkLeavesItsTarget() throws Exception {
        Path outside = Files.write(dir.resolveSibling(dir.getFileName() + "-target.gguf"), new byte[4]);
        try {
            Path models = Files.createDirectories(dir.resolve("models"));
            Files.createSymbolicLink(models.resolve("linked.gguf"), outside);
            new ModelStore(models).remove("linked");
            assertTrue(Files.exists(outside));
        } finally {
            Files.deleteIfExists(outside);
        }
    }
}
