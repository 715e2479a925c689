package dev.hearth.safetensors.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Optional;

import ai.onnxruntime.OrtEnvironment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The record of which wrapper's natives the process loaded first, and what the provider probe makes of it. */
class OrtNativesTest {
    static final OrtWrapper CPU = new OrtWrapper("dev.hearth.onnxruntime.cpu 0.1.0", "cpu 1.29.0");
    static final OrtWrapper CPU_COPY = new OrtWrapper("dev.hearth.test.onnxruntime 0.1.0", "cpu 1.29.0");
    static final OrtWrapper CUDA = new OrtWrapper("dev.hearth.onnxruntime.cuda 0.1.0", "cuda 1.29.0");

    private String before;

    @BeforeEach
    void clear() {
        before = System.getProperty(OrtNatives.PROPERTY);
        System.clearProperty(OrtNatives.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(OrtNatives.PROPERTY);
        } else {
            System.setProperty(OrtNatives.PROPERTY, before);
        }
    }

    @Test
    void theFirstWrapperToLoadItsNativesIsRecordedForGood() {
        assertEquals(Optional.empty(), OrtNatives.claim(CPU));
        assertEquals(Optional.empty(), OrtNatives.claim(CPU_COPY), "another wrapper of the same build is no problem");
        assertEquals(Optional.of(CPU), OrtNatives.claim(CUDA), "a CUDA wrapper after the CPU one: the CPU natives");
        assertEquals(Optional.of(CPU), OrtNatives.claim(CUDA), "still, on every later claim");
        assertEquals("cpu 1.29.0 from dev.hearth.onnxruntime.cpu 0.1.0", System.getProperty(OrtNatives.PROPERTY));
    }

    @Test
    void afterASwapToAnotherBuildTheGpuProviderAsksForARestartWithoutBeingTried() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        // the CUDA wrapper's JNI library would report what the first (CPU) core has; say the build has CUDA anyway:
        // the probe must not try it
        EnumSet<ai.onnxruntime.OrtProvider> built = EnumSet.of(ai.onnxruntime.OrtProvider.CPU,
                ai.onnxruntime.OrtProvider.CUDA);
        OrtProviders.Probe cuda = OrtProviders.probe(env, OrtProvider.CUDA, built, CUDA, Optional.of(CPU));
        assertFalse(cuda.usable());
        assertTrue(cuda.reason().contains("restart the host to use the CUDA provider")
                && cuda.reason().contains("dev.hearth.onnxruntime.cpu 0.1.0")
                && cuda.reason().contains("dev.hearth.onnxruntime.cuda 0.1.0")
                && cuda.reason().endsWith("staying on the CPU provider"), cuda.reason());

        OrtProviders.Probe cpu = OrtProviders.probe(env, OrtProvider.CPU, built, CUDA, Optional.of(CPU));
        assertTrue(cpu.usable(), "the CPU provider of the loaded natives keeps working");

        // a CPU wrapper after CUDA natives: it never had CUDA, so no restart would help
        OrtProviders.Probe none = OrtProviders.probe(env, OrtProvider.CUDA, built, CPU, Optional.of(CUDA));
        assertFalse(none.usable());
        assertFalse(none.reason().contains("restart"), none.reason());
    }

    @Test
    void withoutForeignNativesTheCpuBuildSaysItHasNoCudaProvider() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtProviders.Probe cuda = OrtProviders.probe(env, OrtProvider.CUDA, OrtEnvironment.getAvailableProviders(),
                CPU, Optional.empty());
        assertFalse(cuda.usable());
        assertTrue(cuda.reason().contains("has no CUDA provider"), cuda.reason());
    }
}
