package dev.hearth.gguf.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @TempDir
    Path dir;

    /** One value of every type, with the Java value the reader must give back. */
    private static final Map<String, Object[]> EVERY_TYPE = Map.ofEntries(
            Map.entry("t.uint8", new Object[] {GgufValueType.UINT8, (short) 250}),
            Map.entry("t.int8", new Object[] {GgufValueType.INT8, (byte) -7}),
            Map.entry("t.uint16", new Object[] {GgufValueType.UINT16, 65000}),
            Map.entry("t.int16", new Object[] {GgufValueType.INT16, (short) -30000}),
            Map.entry("t.uint32", new Object[] {GgufValueType.UINT32, 4_000_000_000L}),
            Map.entry("t.int32", new Object[] {GgufValueType.INT32, -2_000_000_000}),
            Map.entry("t.float32", new Object[] {GgufValueType.FLOAT32, 1.5e-5f}),
            Map.entry("t.bool", new Object[] {GgufValueType.BOOL, true}),
            Map.entry("t.string", new Object[] {GgufValueType.STRING, "héllo ▁wörld 🦙"}),
            Map.entry("t.empty_string", new Object[] {GgufValueType.STRING, ""}),
            Map.entry("t.uint64", new Object[] {GgufValueType.UINT64, -1L}),   // 2^64-1, raw bits
            Map.entry("t.int64", new Object[] {GgufValueType.INT64, Long.MIN_VALUE}),
            Map.entry("t.float64", new Object[] {GgufValueType.FLOAT64, Math.PI}),
            Map.entry("a.u8", new Object[] {GgufValueType.ARRAY, new GgufArray(GgufValueType.UINT8, new byte[] {1, -1})}),
            Map.entry("a.i16", new Object[] {GgufValueType.ARRAY, new GgufArray(GgufValueType.INT16, new short[] {-2, 3})}),
            Map.entry("a.u32", new Object[] {GgufValueType.ARRAY, new GgufArray(GgufValueType.UINT32, new int[] {-1, 7})}),
            Map.entry("a.i64", new Object[] {GgufValueType.ARRAY, new GgufArray(GgufValueType.INT64, new long[] {-9, 1L << 40})}),
            Map.entry("a.f32", new Object[] {GgufValueType.ARRAY, GgufArray.ofFloats(0.5f, -1f, Float.NaN)}),
            Map.entry("a.f64", new Object[] {GgufValueType.ARRAY, new GgufArray(GgufValueType.FLOAT64, new double[] {2.25})}),
            Map.entry("a.bool", new Object[] {GgufValueType.ARRAY, new GgufArray(GgufValueType.BOOL, new boolean[] {true, false})}),
            Map.entry("a.str", new Object[] {GgufValueType.ARRAY, GgufArray.ofStrings("a", "", "ü▁", "<s>")}),
            Map.entry("a.empty", new Object[] {GgufValueType.ARRAY, GgufArray.ofInts()}),
            Map.entry("a.nested", new Object[] {GgufValueType.ARRAY, GgufArray.ofArrays(
                    GgufArray.ofStrings("x", "y"), GgufArray.ofArrays(GgufArray.ofInts(1, 2, 3)), GgufArray.ofFloats())}));

    @Test
    void everyValueTypeRoundTrips() throws Exception {
        GgufTestWriter w = new GgufTestWriter();
        List<String> order = new ArrayList<>(EVERY_TYPE.keySet());
        for (String k : order) {
            w.kv(k, (GgufValueType) EVERY_TYPE.get(k)[0], EVERY_TYPE.get(k)[1]);
        }
        byte[] bytes = w.build();
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "types.gguf", bytes))) {
            GgufMetadata md = f.metadata();
            assertEquals(order, List.copyOf(md.keys()), "file order is kept");
            for (String k : order) {
                assertEquals(EVERY_TYPE.get(k)[0], md.typeOf(k).orElseThrow(), k);
                assertEquals(EVERY_TYPE.get(k)[1], md.value(k).orElseThrow(), k);
                assertEquals(w.mark("kv:" + k), md.offsetOf(k), k);
            }
            assertEquals(3, f.header().version());
            assertEquals(0, f.header().tensorCount());
            assertEquals(order.size(), f.header().metadataCount());
            assertEquals(bytes.length, f.dataOffset(), "no tensors: the data section is empty at the end");
        }
    }

    @Test
    void typedGettersConvertOnlyWithoutLoss() throws Exception {
        GgufTestWriter w = new GgufTestWriter();
        EVERY_TYPE.forEach((k, v) -> w.kv(k, (GgufValueType) v[0], v[1]));
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "getters.gguf", w.build()))) {
            GgufMetadata md = f.metadata();
            assertEquals(250, md.getInt("t.uint8"));
            assertEquals(-30000, md.getInt("t.int16"));
            assertEquals(4_000_000_000L, md.getLong("t.uint32"));
            assertEquals(1.5e-5f, md.getFloat("t.float32"));
            assertEquals((float) Math.PI, md.getFloat("t.float64"));
            assertTrue(md.getBoolean("t.bool"));
            assertEquals(List.of("a", "", "ü▁", "<s>"), md.getStringArray("a.str"));
            assertArrayEquals(new int[] {-2, 3}, md.getIntArray("a.i16"));
            assertArrayEquals(new int[] {1, 255}, md.getIntArray("a.u8"));
            assertEquals(2, md.getFloatArray("a.f32")[0] * 4);
            assertTrue(md.optionalString("t.missing").isEmpty());
            assertEquals(65000, md.optionalInt("t.uint16").orElseThrow());

            var e = assertThrows(GgufException.class, () -> md.getString("t.uint32"));
            assertEquals("key 't.uint32'", e.item());
            assertTrue(e.getMessage().contains("expected STRING, found UINT32"), e.getMessage());
            assertEquals(md.offsetOf("t.uint32"), e.offset());
            assertTrue(assertThrows(GgufException.class, () -> md.getInt("t.uint32")).getMessage()
                    .contains("does not fit in int"));
            assertTrue(assertThrows(GgufException.class, () -> md.getLong("t.uint64")).getMessage()
                    .contains("18446744073709551615"));
            assertTrue(assertThrows(GgufException.class, () -> md.getIntArray("a.u32")).getMessage()
                    .contains("4294967295"));
            assertTrue(assertThrows(GgufException.class, () -> md.getInt("t.nope")).getMessage()
                    .contains("key 't.nope': required key is missing"));
            assertTrue(assertThrows(GgufException.class, () -> md.optionalFloat("t.string")).getMessage()
                    .contains("expected a float, found STRING"));
            assertTrue(assertThrows(GgufException.class, () -> md.getStringArray("a.f32")).getMessage()
                    .contains("found an array of FLOAT32"));
        }
    }

    @Test
    void tensorsAreAlignedViewsOfTheMapping() throws Exception {
        GgufTestWriter w = new GgufTestWriter().alignment(64).string("general.architecture", "x")
                .tensor("a", GgmlType.F32, 3)
                .tensor("b", GgmlType.Q4_K, 512, 2)
                .tensor("c", GgmlType.BF16, 5, 1, 1, 2);
        byte[] bytes = w.build();
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "t.gguf", bytes))) {
            assertEquals(64, f.alignment());
            assertEquals(w.mark("data"), f.dataOffset());
            assertEquals(0, f.dataOffset() % 64);
            assertEquals(List.of("a", "b", "c"), f.tensors().stream().map(GgufTensorInfo::name).toList());
            GgufTensorInfo b = f.tensor("b").orElseThrow();
            assertEquals(Shape.of(512, 2), b.shape());
            assertEquals(GgmlType.Q4_K, b.type());
            assertEquals(4 * 144, b.byteSize());
            assertEquals(64, b.offset());
            assertEquals(w.mark("tensor:b"), b.infoOffset());
            assertEquals(4, f.requireTensor("c").shape().rank());
            for (GgufTensorInfo t : f.tensors()) {
                MemorySegment data = f.tensorData(t);
                assertTrue(data.isReadOnly());
                assertEquals(t.byteSize(), data.byteSize());
                assertEquals(0, t.offset() % 64);
                for (long i = 0; i < data.byteSize(); i++) {
                    assertEquals(GgufTestWriter.dataByte(t.name(), i), data.get(ValueLayout.JAVA_BYTE, i));
                }
            }
            assertTrue(f.tensor("zzz").isEmpty());
            assertTrue(assertThrows(GgufException.class, () -> f.requireTensor("zzz")).getMessage()
                    .contains("tensor 'zzz'"));
            assertThrows(GgufUnsupportedException.class, () -> f.checkSupported(
                    new GgufTensorInfo("iq", GgmlType.IQ2_XS, Shape.of(256), 0, 0)));
            assertThrows(IllegalArgumentException.class, () -> f.tensorData(
                    new GgufTensorInfo("a", GgmlType.F32, Shape.of(4), 0, 0)));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() throws Exception {
        GgufFile f = GgufFile.open(GgufFixtures.write(dir, "c.gguf", GgufFixtures.tinyLlama().build()));
        GgufTensorInfo t = f.tensors().getFirst();
        MemorySegment view = f.tensorData(t);
        assertTrue(f.isOpen());
        f.close();
        f.close();
        assertFalse(f.isOpen());
        assertThrows(IllegalStateException.class, () -> f.tensorData(t));
        assertThrows(IllegalStateException.class, f::metadata);
        assertThrows(IllegalStateException.class, f::tensors);
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0));
        assertTrue(f.fileSize() > 0);
    }

    @Test
    void versionTwoReadsLikeThree() throws Exception {
        byte[] bytes = GgufFixtures.tinyLlama().version(2).build();
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "v2.gguf", bytes))) {
            assertEquals(2, f.header().version());
            assertEquals(3 + 9 * GgufFixtures.LAYERS, f.tensors().size());
        }
    }

    @Test
    void largeVocabularyReadsFast() throws Exception {
        int n = 150_000;
        String[] tokens = new String[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (i % 3 == 0 ? "▁tok" : "tok") + i;
            scores[i] = -i;
        }
        byte[] bytes = new GgufTestWriter().array(GgufNames.TOKENS, GgufArray.ofStrings(tokens))
                .array(GgufNames.SCORES, GgufArray.ofFloats(scores)).build();
        Path p = GgufFixtures.write(dir, "vocab.gguf", bytes);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            try (GgufFile f = GgufFile.open(p)) {
                List<String> read = f.metadata().getStringArray(GgufNames.TOKENS);
                assertEquals(n, read.size());
                assertEquals("tok149999", read.get(n - 1));
                assertEquals("▁tok149997", read.get(n - 3));
                assertEquals(-149_999f, f.metadata().getFloatArray(GgufNames.SCORES)[n - 1]);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("150k-token vocabulary (%d bytes) read in %.1f ms%n", bytes.length, best / 1e6);
        assertTrue(best < 2_000_000_000L, "reading 150k tokens took " + best / 1e6 + " ms");
    }

    @Test
    void shapeHasValueEquality() {
        assertEquals(Shape.of(256, 32000), Shape.of(256, 32000));
        assertEquals(Shape.of(256, 32000).hashCode(), Shape.of(256, 32000).hashCode());
        assertFalse(Shape.of(256, 32000).equals(Shape.of(32000, 256)));
        assertEquals("[256, 32000]", Shape.of(256, 32000).toString());
        assertEquals(256L * 32000, Shape.of(256, 32000).elementCount());
        long[] dims = {1, 2};
        Shape s = new Shape(dims);
        dims[0] = 9;
        assertEquals(1, s.dim(0), "the array is copied in");
        s.dims()[1] = 9;
        assertEquals(2, s.dim(1), "and out");
        assertThrows(ArithmeticException.class, () -> Shape.of(1L << 40, 1L << 40).elementCount());
    }

    @Test
    void ggmlTypeTable() {
        GgmlType[] all = GgmlType.values();
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i].id(), all[i].name());
            assertEquals(all[i], GgmlType.fromId(i));
        }
        assertEquals(30, GgmlType.BF16.id());
        assertEquals(39, GgmlType.MXFP4.id());
        assertEquals(34, GgmlType.Q8_0.typeSize());
        assertEquals(288, GgmlType.Q4_K.bytesFor(512));
        assertEquals(210, GgmlType.Q6_K.bytesFor(256));
        assertEquals(8, GgmlType.F32.bytesFor(2));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_K.bytesFor(100));
        assertThrows(UnsupportedOperationException.class, () -> GgmlType.Q4_2.bytesFor(32));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(99)).getMessage().contains("99"));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(-1));
        assertEquals(List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
                GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
                GgmlType.Q8_K, GgmlType.BF16), GgmlType.supportedTypes());
        for (GgmlType t : all) {
            assertEquals(t.isWithdrawn(), t.blockSize() == 0, t.name());
        }
    }
}
