package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuRepackTest {

    @Test
    void rowsAreCopiedOnAmdCoresWhereHugePagesAreOffered() {
        assertTrue(CpuRepack.copyRows(null, "AuthenticAMD", true));
        assertFalse(CpuRepack.copyRows(null, "AuthenticAMD", false), "without huge pages a copy gains nothing");
        assertFalse(CpuRepack.copyRows(" ", "GenuineIntel", true));
        assertFalse(CpuRepack.copyRows(null, "", true));
    }

    @Test
    void thePropertyOverridesTheChoice() {
        assertTrue(CpuRepack.copyRows("true", "GenuineIntel", false));
        assertFalse(CpuRepack.copyRows(" false ", "AuthenticAMD", true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuRepack.copyRows("yes", "AuthenticAMD", true));
        assertEquals("hearth.cpu.copy-rows=yes: expected true or false", e.getMessage());
    }
}
