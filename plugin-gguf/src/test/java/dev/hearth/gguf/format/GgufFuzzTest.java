package dev.hearth.gguf.format;

import static org.junit.jupiter.api.Assertions.fail;

import dev.hearth.api.model.ModelFileException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random corruption of valid files: every outcome must be a successful open or one of our two
 * exceptions; never another exception, an error or an out-of-memory. Override the seed with
 * {@code -Dhearth.fuzz.seed=N} to replay a failure.
 */
class GgufFuzzTest {

    private static final int ITERATIONS = 2000;
    private static final long[] INTERESTING = {0, 1, -1, 3, 5, 31, 255, 1L << 31, (1L << 32) - 1, 1L << 32,
            1L << 60, Long.MAX_VALUE, Long.MIN_VALUE};

    @TempDir
    Path dir;

    @Test
    void mutatedFilesFailOnlyWithGgufExceptions() throws Exception {
        long seed = Long.getLong("hearth.fuzz.seed", 0x6775_6675L);
        System.out.println("GgufFuzzTest seed " + seed + " (replay with -Dhearth.fuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        List<byte[]> bases = List.of(GgufFixtures.tinyLlama().build(), GgufCorruptTest.fixture().build(),
                everyTypeFile());
        Path file = dir.resolve("fuzz.gguf");
        int opened = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] base = bases.get(rnd.nextInt(bases.size()));
            String[] how = new String[1];
            byte[] bytes = mutate(base, rnd, how);
            java.nio.file.Files.write(file, bytes);
            try (GgufFile f = GgufFile.open(file)) {
                opened++;
                touchEverything(f);
            } catch (GgufException | GgufUnsupportedException expected) {
                // the only acceptable failures
            } catch (Throwable t) {
                fail("iteration " + i + " (seed " + seed + ", " + how[0] + ") threw " + t, t);
            }
            try {
                GgufVerifier.verify(file);
            } catch (Throwable t) {
                fail("verifier, iteration " + i + " (seed " + seed + ", " + how[0] + ") threw " + t, t);
            }
        }
        System.out.printf("GgufFuzzTest: %d iterations, %d opened, %.1f s%n", ITERATIONS, opened,
                (System.nanoTime() - t0) / 1e9);
    }

    private static byte[] everyTypeFile() {
        return new GgufTestWriter()
                .kv("u8", GgufValueType.UINT8, 1).kv("i16", GgufValueType.INT16, -2)
                .kv("u64", GgufValueType.UINT64, 5L).kv("f64", GgufValueType.FLOAT64, 0.5)
                .bool("b", true).string("s", "text")
                .array("nested", GgufArray.ofArrays(GgufArray.ofStrings("x", "yz"), GgufArray.ofInts(1, 2)))
                .array("bools", new GgufArray(GgufValueType.BOOL, new boolean[] {true, false}))
                .tensor("w", GgmlType.Q4_K, 256, 2).tensor("v", GgmlType.F32, 4)
                .build();
    }

    private static byte[] mutate(byte[] base, Random rnd, String[] how) {
        byte[] b = base.clone();
        int kind = rnd.nextInt(5);
        switch (kind) {
            case 0 -> {                                   // a few random bytes
                int n = 1 + rnd.nextInt(4);
                for (int k = 0; k < n; k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                how[0] = n + " random bytes";
            }
            case 1 -> {                                   // truncation
                int len = rnd.nextInt(b.length);
                b = Arrays.copyOf(b, len);
                how[0] = "truncated to " + len;
            }
            case 2 -> {                                   // an interesting 64-bit value anywhere
                int at = rnd.nextInt(b.length - 8);
                long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
                GgufTestWriter.putU64(b, at, v);
                how[0] = "u64 " + v + " at " + at;
            }
            case 3 -> {                                   // an interesting 32-bit value anywhere
                int at = rnd.nextInt(b.length - 4);
                int v = (int) INTERESTING[rnd.nextInt(INTERESTING.length)];
                GgufTestWriter.putU32(b, at, v);
                how[0] = "u32 " + v + " at " + at;
            }
            default -> {                                  // a bit flip in the header and metadata region
                int at = rnd.nextInt(Math.min(b.length, 2048));
                b[at] ^= (byte) (1 << rnd.nextInt(8));
                how[0] = "bit flip at " + at;
            }
        }
        return b;
    }

    /** Whatever opened must be fully usable: summaries, getters and every tensor's bytes. */
    private static void touchEverything(GgufFile f) throws ModelFileException {
        GgufSummary.of(f).toText();
        for (GgufMetadata.Entry e : f.metadata().entries()) {
            String unused = e.value().toString();
        }
        for (GgufTensorInfo t : f.tensors()) {
            var data = f.tensorData(t);
            if (data.byteSize() > 0) {
                data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
        }
    }
}
