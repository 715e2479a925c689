package dev.hearth.safetensors.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.VerificationReport;

/** Files written by the test writer read back exactly; sharded checkpoints and aliases resolve. */
class SafetensorsRoundTripTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void tensorsAndMetadataRoundTrip(@TempDir Path dir) throws IOException {
        Path file = new SafetensorsTestWriter().metadata("format", "pt").metadata("note", "ünïcode")
                .f32("a", 2, 3).f32("b", 5)
                .tensor("c", SafetensorsDtype.F16, new long[] {2}, new byte[] {0, 0x3C, 0, (byte) 0xC0})
                .tensor("scalar", SafetensorsDtype.I64, new long[] {}, new byte[8])
                .tensor("empty", SafetensorsDtype.F32, new long[] {0, 4}, new byte[0])
                .write(dir.resolve("x.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("a", "b", "c", "scalar", "empty"), f.entries().stream().map(SafetensorsEntry::name).toList());
            assertEquals("ünïcode", f.metadata().get("note"));
            SafetensorsEntry a = f.entry("a").orElseThrow();
            assertEquals(Shape.of(2, 3), a.shape());
            assertEquals(SafetensorsDtype.F32, a.dtype());
            MemorySegment sa = f.tensor("a");
            assertEquals(24, sa.byteSize());
            for (int i = 0; i < 6; i++) {
                assertEquals(i, sa.getAtIndex(F32, i));
            }
            MemorySegment sb = f.tensor("b");
            assertEquals(1004f, sb.getAtIndex(F32, 4));
            assertEquals((short) 0x3C00, f.tensor("c").get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
            assertEquals(1, f.entry("scalar").orElseThrow().elementCount());
            assertEquals(0, f.tensor("empty").byteSize());
            assertTrue(sa.isReadOnly(), "views of the mapping are read-only");
            assertFalse(sa.isNative() && sa.heapBase().isPresent(), "not on the heap");
            assertThrows(IllegalArgumentException.class, () -> f.tensor("nope"));
            f.close();
            f.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> f.tensor("a"));
        }
        SafetensorsModelFormat format = new SafetensorsModelFormat();
        assertTrue(format.probe(file));
        assertTrue(format.verify(file).ok());
        assertFalse(format.probe(Files.writeString(dir.resolve("y.safetensors"), "not a model")));
    }

    /** Every dtype of the format, the F8 variants included, is read by its header spelling with its size. */
    @ParameterizedTest
    @EnumSource(SafetensorsDtype.class)
    void everyDtypeIsRecognisedWithItsSize(SafetensorsDtype dtype, @TempDir Path dir) throws IOException {
        byte[] data = new byte[3 * dtype.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i + 1);
        }
        Path file = new SafetensorsTestWriter().tensor("t", dtype, new long[] {3}, data)
                .write(dir.resolve("t.safetensors"));
        String header = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("\"dtype\":\"" + dtype.name() + "\""), "spelled as in the header: " + header);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(dtype, f.entry("t").orElseThrow().dtype());
            assertArrayEquals(data, f.tensor("t").toArray(ValueLayout.JAVA_BYTE));
        }
        SafetensorsTestWriter wrongSize = new SafetensorsTestWriter().tensor("t", dtype, new long[] {4}, data);
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> SafetensorsFile.open(wrongSize.write(dir.resolve("short.safetensors"))));
        assertTrue(e.getMessage().contains("tensor 't'") && e.getMessage().contains(dtype.name()), e.getMessage());
    }

    @Test
    void fileWithoutTensorsOpens(@TempDir Path dir) throws IOException {
        Path file = new SafetensorsTestWriter().metadata("format", "pt").write(dir.resolve("empty.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertTrue(f.entries().isEmpty());
            assertEquals(0, f.data().byteSize());
        }
    }

    @Test
    void shardedCheckpointOpensEachShardOnce(@TempDir Path dir) throws IOException {
        new SafetensorsTestWriter().f32("a", 4).f32("b", 2).write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsTestWriter().f32("c", 3).write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve(SafetensorsIndex.FILE_NAME), """
                {"metadata": {"total_size": 36}, "weight_map": {
                  "a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
                  "c": "model-00002-of-00002.safetensors"}}""");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertEquals(2, ckpt.files().size());
            assertEquals("36", ckpt.index().orElseThrow().metadata().get("total_size"));
            assertEquals(java.util.Set.of("a", "b", "c"), ckpt.tensorNames());
            assertEquals(1000f, ckpt.tensor("b").getAtIndex(F32, 0));
            assertEquals(2f, ckpt.tensor("c").getAtIndex(F32, 2));
            assertEquals("model-00002-of-00002.safetensors", ckpt.fileOf("c").orElseThrow().file().getFileName().toString());
        }
    }

    @Test
    void modelFolderWithTiedEmbeddingStoredAsLmHead(@TempDir Path dir) throws IOException {
        Path folder = SafetensorsTestWriter.llamaFolder(dir.resolve("m"), 16, 32, 2, 4, 2, 12);
        Files.writeString(folder.resolve("config.json"), Files.readString(folder.resolve("config.json"))
                .replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        // store only lm_head, with the embedding as an alias, as transformers does for TinyStories-656K
        SafetensorsTestWriter w = new SafetensorsTestWriter().metadata("format", "pt")
                .metadata("model.embed_tokens.weight", "lm_head.weight");
        SafetensorsTestWriter full = SafetensorsTestWriter.llamaTensors(16, 32, 2, 4, 2, 12);
        try (SafetensorsFile f = SafetensorsFile.open(full.write(dir.resolve("full.safetensors")))) {
            for (SafetensorsEntry e : f.entries()) {
                if (!e.name().equals("model.embed_tokens.weight")) {
                    w.tensor(e.name(), e.dtype(), e.shape().dims(), f.tensor(e).toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
        w.write(folder.resolve("model.safetensors"));
        try (HfModelFolder m = HfModelFolder.open(folder)) {
            assertEquals("lm_head.weight", m.checkpoint().aliases().get("model.embed_tokens.weight"));
            assertEquals(m.checkpoint().entry("lm_head.weight"), m.checkpoint().entry("model.embed_tokens.weight"));
            assertEquals(4, m.config().headDim());
            assertEquals(2, m.config().groupSize());
        }
        VerificationReport report = new SafetensorsModelFormat().verify(folder);
        assertTrue(report.ok(), report.toString());
        ModelDescription d = new SafetensorsModelFormat().describe(folder);
        assertEquals("llama", d.architecture());
        assertEquals("F32", d.quantization());
        assertEquals(64, d.contextLength());
    }
}
