package dev.hearth.gguf.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufArray;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufMetadata;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.GgufTensorInfo;
import dev.hearth.gguf.format.GgufValueType;
import dev.hearth.gguf.format.Shape;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GgufWriter: what it writes, our reader reads back identically; a shared llama.cpp file is re-written byte for byte. */
class GgufWriterTest {

    @TempDir
    Path dir;

    /** Every value type, scalars at their extremes, arrays of every element type, string and nested arrays. */
    static GgufWriter everyType() {
        GgufWriter w = new GgufWriter();
        w.put("u8", GgufValueType.UINT8, (short) 255);
        w.put("i8", GgufValueType.INT8, (byte) -128);
        w.put("u16", GgufValueType.UINT16, 65535);
        w.put("i16", GgufValueType.INT16, (short) -32768);
        w.put("u32", GgufValueType.UINT32, 4294967295L);
        w.put("i32", GgufValueType.INT32, Integer.MIN_VALUE);
        w.put("f32", GgufValueType.FLOAT32, -1.5e-7f);
        w.put("bool", GgufValueType.BOOL, true);
        w.put("string", GgufValueType.STRING, "héllo ▁ wörld \u0000 end");
        w.put("u64", GgufValueType.UINT64, -1L);
        w.put("i64", GgufValueType.INT64, Long.MIN_VALUE);
        w.put("f64", GgufValueType.FLOAT64, Math.PI);
        w.putArray("a.u8", new GgufArray(GgufValueType.UINT8, new byte[] {0, 1, (byte) 255}));
        w.putArray("a.i8", new GgufArray(GgufValueType.INT8, new byte[] {-1, 2}));
        w.putArray("a.u16", new GgufArray(GgufValueType.UINT16, new short[] {(short) 65535, 3}));
        w.putArray("a.i16", new GgufArray(GgufValueType.INT16, new short[] {-5}));
        w.putArray("a.u32", new GgufArray(GgufValueType.UINT32, new int[] {-1, 7}));
        w.putArray("a.i32", GgufArray.ofInts(1, -2, 3));
        w.putArray("a.f32", GgufArray.ofFloats(1f, Float.NaN, Float.NEGATIVE_INFINITY));
        w.putArray("a.bool", new GgufArray(GgufValueType.BOOL, new boolean[] {true, false}));
        w.putArray("a.string", GgufArray.ofStrings("a", "", "▁the", "<0x0A>"));
        w.putArray("a.u64", new GgufArray(GgufValueType.UINT64, new long[] {-1L}));
        w.putArray("a.i64", new GgufArray(GgufValueType.INT64, new long[] {Long.MAX_VALUE, -3}));
        w.putArray("a.f64", new GgufArray(GgufValueType.FLOAT64, new double[] {0.1, -0.0}));
        w.putArray("a.empty", GgufArray.ofStrings());
        w.putArray("a.nested", GgufArray.ofArrays(GgufArray.ofInts(1, 2), GgufArray.ofArrays(GgufArray.ofStrings("x")),
                GgufArray.ofFloats()));
        return w;
    }

    @Test
    void metadataOfEveryTypeRoundTrips() throws Exception {
        GgufWriter w = everyType();
        Path f = dir.resolve("kv.gguf");
        w.write(f, null);
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(3, g.header().version());
            assertEquals(0, g.tensors().size());
            assertEquals(entries(w.metadata()), entries(g.metadata()));
        }
    }

    @Test
    void tensorDataRoundTripsAlignedWithCustomAlignment() throws Exception {
        GgufWriter w = new GgufWriter().putU32(GgufNames.ALIGNMENT, 64).putString("general.architecture", "test");
        w.tensor("a", GgmlType.F32, Shape.of(3));
        w.tensor("b", GgmlType.Q8_0, Shape.of(64, 3));
        w.tensor("c", GgmlType.F16, Shape.of(5, 1, 2));
        w.tensor("d", GgmlType.Q4_K, Shape.of(256, 2));
        Path f = dir.resolve("t.gguf");
        w.write(f, GgufWriterTest::pattern);
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(64, g.alignment());
            assertEquals(0, g.dataOffset() % 64);
            assertEquals(4, g.tensors().size());
            for (GgufTensorInfo t : g.tensors()) {
                GgufTensorInfo declared = w.tensorInfos().stream().filter(d -> d.name().equals(t.name())).findFirst().orElseThrow();
                assertEquals(declared.shape(), t.shape(), t.name());
                assertEquals(declared.type(), t.type(), t.name());
                assertEquals(0, t.offset() % 64, t.name());
                byte[] expected = new byte[(int) t.byteSize()];
                pattern(t, MemorySegment.ofArray(expected));
                assertArrayEquals(expected, g.tensorData(t).toArray(ValueLayout.JAVA_BYTE), t.name());
            }
            // padded after the last tensor too, as llama.cpp
            assertEquals(0, (g.fileSize() - g.dataOffset()) % 64);
        }
    }

    private static void pattern(GgufTensorInfo t, MemorySegment dst) {
        for (long i = 0; i < dst.byteSize(); i++) dst.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + t.name().hashCode()));
    }

    @Test
    void aFailingProducerLeavesNoFile() throws Exception {
        GgufWriter w = new GgufWriter().tensor("a", GgmlType.F32, Shape.of(4));
        Path f = dir.resolve("fail.gguf");
        assertThrows(IOException.class, () -> w.write(f, (t, d) -> { throw new IOException("boom"); }));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "nothing left behind");
        }
    }

    @Test
    void refusesBadDeclarations() {
        GgufWriter w = new GgufWriter().tensor("a", GgmlType.F32, Shape.of(4));
        assertThrows(IllegalArgumentException.class, () -> w.tensor("a", GgmlType.F32, Shape.of(4)));
        assertThrows(IllegalArgumentException.class, () -> w.tensor("b", GgmlType.Q4_K, Shape.of(100, 2)));
        assertThrows(IllegalArgumentException.class, () -> w.putU32(GgufNames.ALIGNMENT, 48));
        assertThrows(IllegalArgumentException.class, () -> w.put("x", GgufValueType.UINT32, "text"));
    }

    /** A llama.cpp-written file re-written from what our reader read is the same file, byte for byte. */
    @Test
    void rewritingASharedFileIsByteIdentical() throws Exception {
        for (String model : List.of("models/llama-mini/llama-mini-Q4_K_M.gguf", "models/stories260K/stories260K.gguf")) {
            Path src = SharedData.file(model);
            Path out = dir.resolve("copy.gguf");
            try (GgufFile g = GgufFile.open(src)) {
                GgufWriter w = new GgufWriter().putAll(g.metadata());
                for (GgufTensorInfo t : g.tensors()) w.tensor(t.name(), t.type(), t.shape());
                w.write(out, (t, dst) -> dst.copyFrom(g.tensorData(g.requireTensor(t.name()))));
            }
            assertEquals(Files.size(src), Files.size(out), model);
            assertEquals(-1L, Files.mismatch(src, out), model + ": first differing byte");
        }
    }

    private static List<String> entries(GgufMetadata md) {
        return md.entries().stream().map(e -> e.key() + ":" + e.type() + "=" + describe(e.value())).toList();
    }

    private static String describe(Object v) {
        if (v instanceof GgufArray a) {
            StringBuilder sb = new StringBuilder(a.elementType() + "[");
            for (int i = 0; i < a.length(); i++) sb.append(describe(a.get(i))).append(',');
            return sb.append(']').toString();
        }
        if (v instanceof Float f) return Integer.toHexString(Float.floatToRawIntBits(f));
        if (v instanceof Double d) return Long.toHexString(Double.doubleToRawLongBits(d));
        return v.getClass().getSimpleName() + ":" + v;
    }

    @Test
    void everyTypeIsCovered() {
        assertTrue(entries(everyType().metadata()).size() >= 13 + GgufValueType.values().length);
        assertFalse(everyType().metadata().keys().isEmpty());
    }
}
