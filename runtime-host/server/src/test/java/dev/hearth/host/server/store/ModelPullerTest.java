package dev.hearth.host.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPullerTest {
    @TempDir
    Path dir;

    private ModelPuller puller(FileServer server) {
        Downloader d = new Downloader(Downloader.client(Duration.ofSeconds(5)), Map.of(), Progress.NONE,
                Duration.ofSeconds(30));
        return new ModelPuller(new HubClient(server.base(), d), new ModelStore(dir),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static String api(String file, int size, String sha256) {
        return "{\"id\":\"org/repo\",\"siblings\":[{\"rfilename\":\"README.md\",\"size\":3,\"blobId\":"
                + "\"ce013625030ba8dba906f756967f9e9ca394464a\"},{\"rfilename\":\"" + file + "\",\"size\":" + size
                + ",\"lfs\":{\"sha256\":\"" + sha256 + "\",\"size\":" + size + ",\"pointerSize\":130}}]}";
    }

    @Test
    void pullsTheRepositorysOnlyGgufFileVerified() throws Exception {
        byte[] data = "GGUF fake weights".getBytes(StandardCharsets.UTF_8);
        try (FileServer s = new FileServer()) {
            s.files.put("/api/models/org/repo?blobs=true", api("sub/tiny-Q8_0.gguf", data.length,
                    DownloaderTest.sha256(data)).getBytes(StandardCharsets.UTF_8));
            s.files.put("/org/repo/resolve/main/sub/tiny-Q8_0.gguf", data);
            Path p = puller(s).pull(ModelPuller.Spec.parse("org/repo"));
            assertArrayEquals(data, Files.readAllBytes(p));
            assertTrue(p.getFileName().toString().equals("tiny-Q8_0.gguf"));
            puller(s).pull(ModelPuller.Spec.parse("org/repo:sub/tiny-Q8_0.gguf")); // up to date: no download
        }
    }

    @Test
    void aWrongPublishedDigestLeavesNoModel() throws Exception {
        byte[] data = "GGUF fake weights".getBytes(StandardCharsets.UTF_8);
        try (FileServer s = new FileServer()) {
            s.files.put("/api/models/org/repo?blobs=true", api("t.gguf", data.length, "ab".repeat(32))
                    .getBytes(StandardCharsets.UTF_8));
            s.files.put("/org/repo/resolve/main/t.gguf", data);
            IOException e = assertThrows(IOException.class, () -> puller(s).pull(ModelPuller.Spec.parse("org/repo")));
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            assertTrue(new ModelStore(dir).list().isEmpty());
        }
    }

    @Test
    void anUnknownRepositoryOrFileIsNamed() throws Exception {
        try (FileServer s = new FileServer()) {
            IOException e = assertThrows(IOException.class, () -> puller(s).pull(ModelPuller.Spec.parse("org/none")));
            assertTrue(e.getMessage().contains("404"), e.getMessage());
            s.files.put("/api/models/org/repo?blobs=true", api("t.gguf", 1, "ab".repeat(32))
                    .getBytes(StandardCharsets.UTF_8));
            e = assertThrows(IOException.class, () -> puller(s).pull(ModelPuller.Spec.parse("org/repo:x.gguf")));
            assertTrue(e.getMessage().contains("no file x.gguf") && e.getMessage().contains("t.gguf"), e.getMessage());
        }
    }

    @Test
    void specsThatAreNotRepositoriesAreRefused() {
        for (String bad : new String[]{"repo", "../x/y", "org/repo:../../etc/passwd", "org/repo:/abs", "a/b/c"}) {
            assertThrows(IllegalArgumentException.class, () -> ModelPuller.Spec.parse(bad), bad);
        }
    }
}
