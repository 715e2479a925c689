package dev.hearth.safetensors.format;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.model.ModelFileException;

/**
 * Bounded, seeded fuzzing: about 2000 mutations of a valid file (byte flips, header-length edits, truncation and
 * extension, JSON text edits). Opening and verifying must either succeed or throw our {@link ModelFileException};
 * a successful open must give views inside the file.
 */
class SafetensorsFuzzTest {
    private static final long SEED = 0x5AFE7E45L;
    private static final int MUTATIONS = 2000;

    @Test
    void mutatedFilesFailOnlyWithOurExceptions(@TempDir Path dir) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run(dir));
    }

    private void run(Path dir) throws IOException {
        byte[] valid = new SafetensorsTestWriter().metadata("format", "pt")
                .f32("a", 2, 3).f32("b.weight", 4).tensor("c", SafetensorsDtype.BF16, new long[] {3}, new byte[6])
                .bytes();
        String json = new String(valid, 8, (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0),
                java.nio.charset.StandardCharsets.UTF_8);
        Random random = new Random(SEED);
        Path name = dir.resolve("fuzz.safetensors");
        Path file = dir.resolve("mapped.safetensors");
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] bytes = mutate(valid, json, random);
            // 1. the header checks, on an in-memory channel: only our exception may come out
            boolean sound;
            try {
                sound = SafetensorsHeader.verify(new MemoryChannel(bytes), name).isEmpty();
                SafetensorsHeader h = SafetensorsHeader.read(new MemoryChannel(bytes), name);
                if (!sound) {
                    fail("mutation " + i + " (seed " + SEED + "): reads although verification failed");
                }
                for (SafetensorsEntry e : h.entries()) {
                    if (e.begin() < 0 || h.dataStart() + e.end() > bytes.length) {
                        fail("mutation " + i + " (seed " + SEED + "): entry outside the file: " + e);
                    }
                }
            } catch (ModelFileException expected) {
                sound = false;
            } catch (Exception | Error e) {
                throw new AssertionError("mutation " + i + " (seed " + SEED + ") threw " + e, e);
            }
            // 2. every 20th mutation through a real file, mapped (file I/O is the slow part)
            if (i % 20 == 0) {
                Files.write(file, bytes);
                try (SafetensorsFile f = SafetensorsFile.open(file)) {
                    for (SafetensorsEntry e : f.entries()) {
                        MemorySegment s = f.tensor(e);
                        if (s.byteSize() != e.byteSize()) {
                            fail("mutation " + i + " (seed " + SEED + "): view of the wrong size for " + e);
                        }
                    }
                } catch (ModelFileException expected) {
                    if (sound) {
                        fail("mutation " + i + " (seed " + SEED + "): header sound but the file fails: " + expected);
                    }
                } catch (Exception | Error e) {
                    throw new AssertionError("mutation " + i + " (seed " + SEED + ") threw " + e, e);
                }
                new SafetensorsModelFormat().probe(file);
            }
        }
    }

    /** A read-only channel over a byte array. */
    private static final class MemoryChannel implements java.nio.channels.SeekableByteChannel {
        private final byte[] bytes;
        private long position;

        MemoryChannel(byte[] bytes) { this.bytes = bytes; }

        @Override
        public int read(ByteBuffer dst) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) { throw new java.nio.channels.NonWritableChannelException(); }

        @Override
        public long position() { return position; }

        @Override
        public MemoryChannel position(long p) { position = p; return this; }

        @Override
        public long size() { return bytes.length; }

        @Override
        public MemoryChannel truncate(long size) { throw new java.nio.channels.NonWritableChannelException(); }

        @Override
        public boolean isOpen() { return true; }

        @Override
        public void close() {}
    }

    private static byte[] mutate(byte[] valid, String json, Random r) {
        byte[] b = valid.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // flip a few random bytes
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // a byte of the header JSON replaced by a JSON-significant character
                String chars = "{}[]\":,0123456789-e. nN";
                b[8 + r.nextInt(json.length())] = (byte) chars.charAt(r.nextInt(chars.length()));
            }
            case 2 -> { // the header length set to something else
                long[] choices = {0, 1, 2, json.length() - 1, json.length() + 1, valid.length, Long.MAX_VALUE,
                        -1, 1L << 40, r.nextInt(valid.length * 2)};
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, choices[r.nextInt(choices.length)]);
            }
            case 3 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length)); // truncated
            case 4 -> b = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(16)); // extended
            default -> { // a number in the JSON changed
                String mutated = json.replaceFirst("\\d+", String.valueOf(r.nextInt(100) - 10));
                b = SafetensorsTestWriter.raw(mutated.strip(), java.util.Arrays.copyOfRange(valid, 8 + json.length(), valid.length));
            }
        }
        return b;
    }
}
