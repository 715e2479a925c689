package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The generated prefetch function ({@link Prefetch}). A prefetch leaves no trace, so the loop is checked through a
 * twin whose prefetch is swapped for a store of 1 to the same address ({@code mov byte [rdi], 1}, also three bytes):
 * where the twin marks, the function fetches.
 */
class PrefetchTest {

    private static final boolean X86_64_LINUX = System.getProperty("os.name", "").startsWith("Linux")
            && List.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""));

    @Test
    void isActiveOnLinuxX86_64() {
        assumeTrue(X86_64_LINUX, "the prefetch function is generated for Linux x86-64 only");
        assertTrue(Libc.available(), "the tests run with native access");
        assertTrue(Prefetch.active());
    }

    @Test
    void theLoopVisitsEveryCacheLineOfTheRangeOnce() {
        MethodHandle marking = marking();
        long[][] cases = {{0, 0}, {0, -5}, {0, 1}, {0, 64}, {0, 65}, {3, 130}, {100, 4096}};
        for (long[] c : cases) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(8192, 64);
                Prefetch.call(marking, buffer, c[0], c[1]);
                List<Long> expected = new ArrayList<>();
                for (long at = c[0]; at < c[0] + c[1]; at += 64) expected.add(at);
                assertEquals(expected, marks(buffer), "from " + c[0] + ", " + c[1] + " bytes");
            }
        }
    }

    @Test
    void rangesAreClippedToTheSegment() {
        MethodHandle marking = marking();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment parent = arena.allocate(1024, 64);
            MemorySegment slice = parent.asSlice(256, 256);
            Prefetch.call(marking, slice, 200, 1000);
            assertEquals(List.of(456L), marks(parent), "only the part inside the slice");
            parent.fill((byte) 0);
            Prefetch.call(marking, slice, -64, 128);
            Prefetch.call(marking, slice, 256, 64);
            Prefetch.call(marking, MemorySegment.ofArray(new byte[256]), 0, 256);
            assertEquals(List.of(), marks(parent), "before the start, at the end, a heap segment: nothing");
        }
    }

    @Test
    void prefetchesChangeNoMemoryAndStopAtTheSegmentsEnd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(4096, 64);
            for (int i = 0; i < 4096; i++) m.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
            byte[] before = m.toArray(ValueLayout.JAVA_BYTE);
            Prefetch.range(m, 0, 4096);
            Prefetch.range(m, 4000, 1 << 20);
            Prefetch.range(m, -4096, 8192);
            assertArrayEquals(before, m.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** The prefetch function with its prefetch swapped for a store of 1. */
    private static MethodHandle marking() {
        assumeTrue(X86_64_LINUX && Libc.available(), "the prefetch function is generated for Linux x86-64 only");
        byte[] code = Prefetch.X86_64.clone();
        assertArrayEquals(new byte[] {0x0f, 0x18, 0x0f}, new byte[] {code[8], code[9], code[10]}, "prefetcht0 [rdi]");
        code[8] = (byte) 0xc6;
        code[9] = 0x07;
        code[10] = 0x01;
        MethodHandle function = Prefetch.function(code);
        assumeTrue(function != null, "this system refuses executable pages");
        return function;
    }

    private static List<Long> marks(MemorySegment m) {
        List<Long> at = new ArrayList<>();
        for (long i = 0; i < m.byteSize(); i++) if (m.get(ValueLayout.JAVA_BYTE, i) != 0) at.add(i);
        return at;
    }
}
