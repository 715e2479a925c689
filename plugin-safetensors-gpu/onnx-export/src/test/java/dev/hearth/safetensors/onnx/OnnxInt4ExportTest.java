package dev.hearth.safetensors.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import dev.hearth.safetensors.format.HfModelFolder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The int4 graph's structure, the export cache's keys, and the quantizer's bounds (no ONNX Runtime here). */
class OnnxInt4ExportTest {
    @TempDir
    Path tmp;

    private static Path tinyStories() {
        String s = System.getProperty("hearth.shared");
        assumeTrue(s != null && Files.isDirectory(Path.of(s, "models/tinystories-656k/hf")), "no shared test data");
        return Path.of(s, "models/tinystories-656k/hf");
    }

    @Test
    void everyLinearLayerIsOneMatMulNBitsAndTheEmbeddingStaysFloat() throws Exception {
        OnnxExport e;
        try (HfModelFolder model = HfModelFolder.open(tinyStories())) {
            e = new OnnxExporter().export(model, tmp, new OnnxExportOptions(OnnxPrecision.INT4, false, 128, 0), "k");
        }
        ModelProto m;
        try (InputStream in = Files.newInputStream(e.modelFile())) {
            m = ModelProto.parseFrom(in);
        }
        List<NodeProto> nbits = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMulNBits")).toList();
        // 2 layers × (q, k, v, o, gate, up, down) + lm_head for logits and for logits_last
        assertEquals(2 * 7 + 2, nbits.size());
        assertTrue(m.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Gemm")));
        for (NodeProto n : nbits) {
            assertEquals(OnnxGraphBuilder.MS_DOMAIN, n.getDomain());
            Map<String, Long> a = n.getAttributeList().stream().collect(Collectors.toMap(x -> x.getName(), x -> x.getI()));
            assertEquals(4L, a.get("bits"));
            assertEquals(128L, a.get("block_size"));
            assertEquals(4, n.getInputCount(), "A, B, scales, zero_points");
        }
        Map<String, TensorProto> init = m.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
        // down_proj: N=128 out, K=384 in → 3 blocks of 128, blob 64; zero points 2 bytes per row
        TensorProto down = init.get("model.layers.0.mlp.down_proj.weight.int4b128.packed");
        assertEquals(List.of(128L, 3L, 64L), down.getDimsList());
        assertEquals(DataType.UINT8.getNumber(), down.getDataType());
        assertEquals(List.of(128L * 3), init.get("model.layers.0.mlp.down_proj.weight.int4b128.scales").getDimsList());
        assertEquals(List.of(128L * 2), init.get("model.layers.0.mlp.down_proj.weight.int4b128.zero_points").getDimsList());
        // tied embedding: gathered in F32, quantized separately for lm_head
        assertEquals(DataType.FLOAT.getNumber(), init.get(nodeInput(m, "Gather", 0)).getDataType());
        assertTrue(m.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals(OnnxNames.META_PRECISION)
                && p.getValue().equals("int4")));
        assertTrue(m.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals(OnnxGraphBuilder.MS_DOMAIN)));
    }

    private static String nodeInput(ModelProto m, String opType, int input) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)
                && n.getInput(input).contains("embed")).findFirst().orElseThrow().getInput(input);
    }

    @Test
    void cacheKeysDifferByPrecisionAndBlockSize() throws Exception {
        OnnxExportCache cache = new OnnxExportCache(tmp.resolve("cache"), new OnnxExporter());
        try (HfModelFolder model = HfModelFolder.open(tinyStories())) {
            OnnxExport fp32 = cache.getOrExport(model, OnnxExportOptions.plain(OnnxPrecision.FP32));
            OnnxExport b32 = cache.getOrExport(model, new OnnxExportOptions(OnnxPrecision.INT4, false, 32, 0));
            OnnxExport b128 = cache.getOrExport(model, new OnnxExportOptions(OnnxPrecision.INT4, false, 128, 0));
            OnnxExport again = cache.getOrExport(model, new OnnxExportOptions(OnnxPrecision.INT4, false, 32, 0));
            assertNotEquals(fp32.key(), b32.key());
            assertNotEquals(b32.key(), b128.key());
            assertNotEquals(b32.folder(), b128.folder());
            assertTrue(b32.folder().getFileName().toString().contains("-int4-b32-plain-"), b32.folder().toString());
            assertFalse(b32.fromCache());
            assertTrue(again.fromCache());
            assertEquals(b32.folder(), again.folder());
            // only the F32 embedding and norms are read in place; the quantized layers are written to weights.bin
            assertTrue(b32.linkedBytes() < fp32.linkedBytes() / 2, b32.linkedBytes() + " vs " + fp32.linkedBytes());
        }
    }

    @Test
    void optionsRefuseBlockSizesAndAccuracyLevelsNotOffered() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OnnxExportOptions(OnnxPrecision.INT4, false, 48, 0));
        assertTrue(e.getMessage().contains("48") && e.getMessage().contains("[32, 128]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OnnxExportOptions(OnnxPrecision.INT4, false, 32, 5));
        assertEquals("fp32-plain", new OnnxExportOptions(OnnxPrecision.FP32, false, 128, 4).label());
        assertEquals("int4-b128-acc4-fused", new OnnxExportOptions(OnnxPrecision.INT4, true, 128, 4).label());
    }

    @Test
    void quantizedRowStaysWithinHalfAStepAndKeepsZerosExact() {
        int k = 80; // 3 blocks of 32, the last one half used
        int blockSize = 32;
        float[] row = new float[k];
        Random random = new Random(7);
        for (int i = 0; i < k; i++) {
            row[i] = i % 9 == 0 ? 0f : (float) (random.nextGaussian() * 0.02);
        }
        int kBlocks = Int4BlockQuantizer.blocks(k, blockSize);
        byte[] packed = new byte[kBlocks * Int4BlockQuantizer.blobSize(blockSize)];
        float[] scales = new float[kBlocks];
        byte[] zeros = new byte[Int4BlockQuantizer.zeroPointBytes(kBlocks)];
        Int4BlockQuantizer.quantizeRow(row, k, blockSize, packed, 0, scales, 0, zeros, 0);
        for (int i = 0; i < k; i++) {
            int b = i / blockSize;
            int j = i % blockSize;
            int code = (packed[b * blockSize / 2 + j / 2] >> (j % 2 * 4)) & 0xf;
            int zero = (zeros[b / 2] >> (b % 2 * 4)) & 0xf;
            float w = (code - zero) * scales[b];
            assertTrue(Math.abs(w - row[i]) <= scales[b] / 2 + 1e-7f, i + ": " + row[i] + " → " + w);
            if (row[i] == 0) {
                assertEquals(0f, w, 0f, "zero at " + i);
            }
        }
        for (int j = k % blockSize; j < blockSize; j++) { // padding dequantizes to 0
            int code = (packed[2 * blockSize / 2 + j / 2] >> (j % 2 * 4)) & 0xf;
            assertEquals((zeros[1] & 0xf), code, "padding at " + j);
        }
    }
}
