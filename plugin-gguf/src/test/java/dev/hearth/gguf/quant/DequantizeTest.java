package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Dequantization against the independent reference decoder and against hand-computed blocks. */
class DequantizeTest {

    static Stream<Arguments> typesAndSizes() {
        List<Arguments> cases = new ArrayList<>();
        for (QuantType t : QuantType.values()) {
            int bs = t.blockSize();
            int[] sizes = bs == 1 ? new int[] {1, 31, 256, 4096} : new int[] {bs, 2 * bs, Math.max(4096, bs)};
            for (int n : sizes) {
                for (long prefix : new long[] {0, 3}) {
                    cases.add(Arguments.of(t, n, prefix));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} n={1} offset={2}")
    @MethodSource("typesAndSizes")
    void dequantizeMatchesReference(QuantType type, int n, long prefix) {
        long seed = 1000L * type.typeId() + n + prefix;
        MemorySegment w = KernelFixtures.randomRows(type, 1, n, prefix, new Random(seed));
        float[] got = new float[n + 7];
        type.dequantizeRow(w, prefix, got, 7, n);
        double[] ref = KernelFixtures.referenceRow(type, w, prefix, n);
        for (int i = 0; i < n; i++) {
            // the kernels compute in float: one or two roundings of values bounded by the block's scales
            double tol = 1e-6 * (Math.abs(ref[i]) + 1e-2);
            if (Math.abs(got[7 + i] - ref[i]) > tol) {
                throw new AssertionError(type + " n=" + n + " seed=" + seed + ": element " + i + " is " + got[7 + i]
                        + ", reference " + ref[i]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(QuantType.class)
    void dequantizeFromNativeSegment(QuantType type) {
        int n = Math.max(256, type.blockSize());
        MemorySegment heap = KernelFixtures.randomRows(type, 1, n, 0, new Random(7));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(heap.byteSize() + 1).asSlice(1);
            nat.copyFrom(heap);
            float[] a = new float[n];
            float[] b = new float[n];
            type.dequantizeRow(heap, 0, a, 0, n);
            type.dequantizeRow(nat, 0, b, 0, n);
            assertArrayEquals(a, b, type.name());
        }
    }

    @Test
    void quantTypeLookupById() {
        int[] ids = {0, 1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 15, 30};
        for (int id : ids) {
            assertEquals(id, QuantType.byId(id).typeId());
        }
        assertTrue(QuantType.forId(4).isEmpty());
        assertTrue(QuantType.forId(16).isEmpty());
        assertTrue(QuantType.forId(-1).isEmpty());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> QuantType.byId(16));
        assertTrue(e.getMessage().contains("16") && e.getMessage().contains("Q4_K(12)"), e.getMessage());
        assertEquals(ActivationFormat.Q8_K, QuantType.Q6_K.activationFormat());
        assertEquals(ActivationFormat.Q8_0, QuantType.Q5_1.activationFormat());
        assertEquals(ActivationFormat.F32, QuantType.BF16.activationFormat());
        assertEquals(144L * 16, QuantType.Q4_K.rowBytes(4096));
    }

    // ---------------------------------------------------------------- hand-built blocks

    @Test
    void q8_0HandBuilt() {
        MemorySegment s = MemorySegment.ofArray(new byte[34]);
        s.set(KernelFixtures.SHORT, 0, Float.floatToFloat16(0.5f));
        for (int j = 0; j < 32; j++) {
            s.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j - 16));
        }
        float[] y = new float[32];
        Q8_0Kernels.dequantizeRow(s, 0, y, 0, 32);
        assertEquals(-8f, y[0]);
        assertEquals(7.5f, y[31]);
    }

    @Test
    void q4_0HandBuilt() {
        // d = 2; byte 0 = 0x9F: weight 0 = (15 - 8) * 2 = 14, weight 16 = (9 - 8) * 2 = 2
        MemorySegment s = MemorySegment.ofArray(new byte[18]);
        s.set(KernelFixtures.SHORT, 0, Float.floatToFloat16(2f));
        s.set(ValueLayout.JAVA_BYTE, 2, (byte) 0x9F);
        float[] y = new float[32];
        Q4_0Kernels.dequantizeRow(s, 0, y, 0, 32);
        assertEquals(14f, y[0]);
        assertEquals(2f, y[16]);
        assertEquals(-16f, y[1]);
    }

    @Test
    void q5_0HandBuilt() {
        // d = 1; qh bit 0 and bit 17 set; qs[0] = 0x00, qs[1] = 0x30
        // weight 0 = (0 | 16) - 16 = 0; weight 16 = 0 - 16 = -16; weight 17 = (3 | 16) - 16 = 3; weight 1 = -16
        MemorySegment s = MemorySegment.ofArray(new byte[22]);
        s.set(KernelFixtures.SHORT, 0, Float.floatToFloat16(1f));
        s.set(KernelFixtures.INT, 2, 1 | 1 << 17);
        s.set(ValueLayout.JAVA_BYTE, 7, (byte) 0x30);
        float[] y = new float[32];
        Q5_0Kernels.dequantizeRow(s, 0, y, 0, 32);
        assertEquals(0f, y[0]);
        assertEquals(-16f, y[16]);
        assertEquals(3f, y[17]);
        assertEquals(-16f, y[1]);
    }

    /**
     * Q4_K with d = 1, dmin = 0.5 and scale bytes chosen so that every branch of get_scale_min_k4 shows:
     * bytes 0..3 = 0xC5 (scale j&lt;4 = 5, top bits 3), bytes 4..7 = 0x42 (min j&lt;4 = 2, top bits 1),
     * bytes 8..11 = 0x97 (scale j&gt;=4 = 7 | 3 &lt;&lt; 4 = 55, min j&gt;=4 = 9 | 1 &lt;&lt; 4 = 25).
     * All quant bytes 0x3A: low nibble 10, high nibble 3.
     */
    @Test
    void q4_KScaleMinUnpacking() {
        MemorySegment s = MemorySegment.ofArray(new byte[144]);
        s.set(KernelFixtures.SHORT, 0, Float.floatToFloat16(1f));
        s.set(KernelFixtures.SHORT, 2, Float.floatToFloat16(0.5f));
        for (int i = 0; i < 4; i++) {
            s.set(ValueLayout.JAVA_BYTE, 4 + i, (byte) 0xC5);
            s.set(ValueLayout.JAVA_BYTE, 8 + i, (byte) 0x42);
            s.set(ValueLayout.JAVA_BYTE, 12 + i, (byte) 0x97);
        }
        for (int i = 0; i < 128; i++) {
            s.set(ValueLayout.JAVA_BYTE, 16 + i, (byte) 0x3A);
        }
        float[] y = new float[256];
        Q4_KKernels.dequantizeRow(s, 0, y, 0, 256);
        assertEquals(5 * 10 - 0.5f * 2, y[0]);         // sub-block 0, low nibble
        assertEquals(5 * 3 - 0.5f * 2, y[32]);         // sub-block 1, high nibble
        assertEquals(55 * 10 - 0.5f * 25, y[128]);     // sub-block 4, low nibble
        assertEquals(55 * 3 - 0.5f * 25, y[255]);      // sub-block 7, high nibble
    }

    /** Q6_K: d = 0.25, scales[g] = g - 8; every quant 0 -> -32 except weight 200 (half 1, run 2, l = 8). */
    @Test
    void q6_KHandBuilt() {
        MemorySegment s = MemorySegment.ofArray(new byte[210]);
        s.set(KernelFixtures.SHORT, 208, Float.floatToFloat16(0.25f));
        for (int g = 0; g < 16; g++) {
            s.set(ValueLayout.JAVA_BYTE, 192 + g, (byte) (g - 8));
        }
        // weight 200 = 128 + 64 + 8: high nibble of ql[64 + 8], bits 4-5 of qh[32 + 8]: q = 0xF | 2 << 4 = 47
        s.set(ValueLayout.JAVA_BYTE, 64 + 8, (byte) 0xF0);
        s.set(ValueLayout.JAVA_BYTE, 128 + 32 + 8, (byte) 0x20);
        float[] y = new float[256];
        Q6_KKernels.dequantizeRow(s, 0, y, 0, 256);
        assertEquals(0.25f * (200 / 16 - 8) * (47 - 32), y[200]);
        assertEquals(0.25f * (0 - 8) * -32, y[0]);
        assertEquals(0.25f * (7 - 8) * -32, y[127]);
    }

    @Test
    void f16VectorConversionIsExactForEveryHalf() {
        int lanes = Simd.SHORT_HALF.length();
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        MemorySegment s = MemorySegment.ofArray(all);
        for (int i = 0; i < all.length; i += lanes) {
            var v = F16Kernels.toFloat(jdk.incubator.vector.ShortVector.fromMemorySegment(
                    Simd.SHORT_HALF, s, 2L * i, java.nio.ByteOrder.nativeOrder()));
            for (int k = 0; k < lanes; k++) {
                float want = Float.float16ToFloat(all[i + k]);
                float got = v.lane(k);
                if (Float.isNaN(want) ? !Float.isNaN(got)
                        : Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got)) {
                    throw new AssertionError("half 0x" + Integer.toHexString(i + k) + ": " + got + " != " + want);
                }
            }
        }
    }
}
