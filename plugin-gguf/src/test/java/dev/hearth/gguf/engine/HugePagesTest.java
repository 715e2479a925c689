package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class HugePagesTest {

    private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");

    @Test
    void givesZeroedWritableMemoryOnAHugePageBoundaryUntilTheArenaCloses() {
        long bytes = 5 * HugePages.SIZE + 12345;
        MemorySegment m;
        try (Arena arena = Arena.ofConfined()) {
            m = HugePages.allocate(bytes, arena);
            assertEquals(bytes, m.byteSize());
            if (LINUX) assertEquals(0, m.address() % HugePages.SIZE, "starts on a 2 MiB boundary");
            for (long at = 0; at < bytes; at += 4096) {
                assertEquals(0, m.get(ValueLayout.JAVA_BYTE, at), "zero at " + at);
            }
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, bytes - 8, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, m.get(ValueLayout.JAVA_LONG_UNALIGNED, bytes - 8));
        }
        assertFalse(m.scope().isAlive(), "freed with its arena");
    }

    @Test
    void smallAllocationsComeFromTheArena() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = HugePages.allocate(1000, arena);
            assertEquals(1000, m.byteSize());
            assertEquals(0, m.address() % 64);
        }
    }

    @Test
    void theSystemSettingOffersThemForMarkedMemoryUnlessNever() {
        assertTrue(HugePages.offeredBy("always [madvise] never\n"));
        assertTrue(HugePages.offeredBy("[always] madvise never\n"));
        assertFalse(HugePages.offeredBy("always madvise [never]\n"));
        assertFalse(HugePages.offeredBy(""), "no setting to read");
    }

    /** Where the kernel offers huge pages for marked memory, the touched memory is on them (/proc/self/smaps). */
    @Test
    void theKernelBacksItWithHugePagesWhereItOffersThem() throws IOException {
        assumeTrue(HugePages.offered(), "this system offers no transparent huge pages for marked memory");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = HugePages.allocate(4 * HugePages.SIZE, arena);
            m.fill((byte) 1);
            long hugeKb = anonHugePagesKb(m.address());
            assertTrue(hugeKb >= HugePages.SIZE / 1024, "AnonHugePages of the mapping: " + hugeKb + " kB");
        }
    }

    /** {@code AnonHugePages} of the mapping holding {@code address}, in kB. */
    private static long anonHugePagesKb(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (String line : lines) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                long from = HexFormat.fromHexDigitsToLong(range[0]), to = HexFormat.fromHexDigitsToLong(range[1]);
                inside = Long.compareUnsigned(address, from) >= 0 && Long.compareUnsigned(address, to) < 0;
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no mapping holds 0x" + Long.toHexString(address) + " in /proc/self/smaps");
    }
}
