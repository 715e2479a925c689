package dev.hearth.host.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {
    @TempDir
    Path dir;
    FileServer server;
    Downloader downloader;
    byte[] data = new byte[300_000];

    @BeforeEach
    void setUp() throws IOException {
        new Random(1).nextBytes(data);
        server = new FileServer();
        server.files.put("/f.gguf", data);
        downloader = new Downloader(Downloader.client(Duration.ofSeconds(5)), Map.of(), Progress.NONE,
                Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void downloadsVerifiesAndRenames() throws Exception {
        Path target = dir.resolve("f.gguf");
        downloader.fetch(URI.create(server.base() + "/f.gguf"), target, new Checksum(Checksum.Kind.SHA256,
                sha256(data)), data.length);
        assertArrayEquals(data, Files.readAllBytes(target));
        assertFalse(Files.exists(Downloader.partial(target)), "no temporary file left");
    }

    @Test
    void aTransferCutInTheMiddleIsResumedWithARangeRequest() throws Exception {
        server.cutAfter.put("/f.gguf", 100_000);
        Path target = dir.resolve("f.gguf");
        downloader.fetch(URI.create(server.base() + "/f.gguf"), target, new Checksum(Checksum.Kind.SHA256,
                sha256(data)), data.length);
        assertArrayEquals(data, Files.readAllBytes(target));
        assertEquals("", server.ranges.getFirst(), "the first request asks for everything");
        assertTrue(server.ranges.get(1).startsWith("bytes=") && !server.ranges.get(1).equals("bytes=0-"),
                "the second resumes where the first broke: " + server.ranges);
    }

    @Test
    void aPartialFileFromAnEarlierRunIsResumed() throws Exception {
        Path target = dir.resolve("f.gguf");
        Files.write(Downloader.partial(target), java.util.Arrays.copyOf(data, 1234));
        downloader.fetch(URI.create(server.base() + "/f.gguf"), target, new Checksum(Checksum.Kind.SHA256,
                sha256(data)), data.length);
        assertArrayEquals(data, Files.readAllBytes(target));
        assertEquals("bytes=1234-", server.ranges.getFirst());
    }

    @Test
    void aWrongChecksumIsRefusedAndNothingIsKept() {
        Path target = dir.resolve("f.gguf");
        IOException e = assertThrows(IOException.class, () -> downloader.fetch(URI.create(server.base() + "/f.gguf"),
                target, new Checksum(Checksum.Kind.SHA256, "0".repeat(64)), data.length));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(Downloader.partial(target)));
    }

    @Test
    void a404IsReported() {
        IOException e = assertThrows(IOException.class, () -> downloader.fetch(URI.create(server.base()
                + "/missing.gguf"), dir.resolve("m.gguf"), null, -1));
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.gguf")));
    }

    @Test
    void gitBlobIdsAreSha1OfTheHeaderAndTheBytes() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "hello\n");
        // `printf 'hello\n' | git hash-object --stdin`
        assertTrue(new Checksum(Checksum.Kind.GIT_BLOB, "ce013625030ba8dba906f756967f9e9ca394464a").matches(f));
    }
}
