package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The prompt tile's choice by CPU and property; that both tiles compute the same floats is UnpackedRowTest's. */
class PromptTileTest {

    private static final String INTEL_FLAGS = "fpu sse2 avx2 fma avx512f avx512bw avx512vl amx_tile";
    private static final String ZEN4_FLAGS = "fpu sse2 avx2 fma avx512f avx512bw avx512vl avx512_bf16";

    @Test
    void intelWithAvx512TakesTheWideTile() {
        assertTrue(PromptTile.wide(null, true, "GenuineIntel", INTEL_FLAGS));
        assertFalse(PromptTile.wide(null, true, "GenuineIntel", "fpu sse2 avx2 fma"));
        assertFalse(PromptTile.wide(null, false, "GenuineIntel", INTEL_FLAGS), "no 512-bit vectors in this JVM");
    }

    @Test
    void amdAndUnknownCpusTakeTheNarrowTile() {
        assertFalse(PromptTile.wide(null, true, "AuthenticAMD", ZEN4_FLAGS));
        assertFalse(PromptTile.wide("", true, "", ""));
    }

    @Test
    void propertyOverridesTheChoice() {
        assertTrue(PromptTile.wide("512", true, "AuthenticAMD", ZEN4_FLAGS));
        assertFalse(PromptTile.wide("256", true, "GenuineIntel", INTEL_FLAGS));
        assertFalse(PromptTile.wide("512", false, "GenuineIntel", INTEL_FLAGS), "512 needs 512-bit vectors");
        assertThrows(IllegalArgumentException.class, () -> PromptTile.wide("1024", true, "GenuineIntel", INTEL_FLAGS));
    }
}
