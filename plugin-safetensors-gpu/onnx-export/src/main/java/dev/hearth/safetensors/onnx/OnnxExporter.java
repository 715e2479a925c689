package dev.hearth.safetensors.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

import dev.hearth.api.model.UnsupportedModelException;
import dev.hearth.safetensors.format.HfConfig;
import dev.hearth.safetensors.format.HfModelFolder;
import dev.hearth.safetensors.format.SafetensorsException;

/**
 * Writes a Hugging Face Llama-family model folder as an ONNX model: {@code model.onnx} (the graph, opset 17, plus
 * com.microsoft opset 1 for fused and int4 graphs) with its weights as external data (see {@link OnnxWeights}).
 */
public final class OnnxExporter {
    /** Bumped whenever the graph changes, so cached exports of older versions are not reused. */
    public static final int GRAPH_VERSION = 1;
    static final int OPSET = 17;
    static final long IR_VERSION = 8;

    private final boolean linkWeights;

    /** @param linkWeights reference weights in place in the {@code .safetensors} files where the precision matches */
    public OnnxExporter(boolean linkWeights) {
        this.linkWeights = linkWeights;
    }

    public OnnxExporter() {
        this(true);
    }

    /**
     * Exports {@code model} into {@code out} (created if absent; files of an earlier export are replaced).
     *
     * @throws UnsupportedModelException for a tensor type or shape the exporter does not handle
     */
    public OnnxExport export(HfModelFolder model, Path out, OnnxExportOptions options, String key) throws IOException {
        HfConfig c = model.config();
        if (c.headDim() % 2 != 0) {
            throw new UnsupportedModelException(c.file(), SafetensorsException.NO_OFFSET, "head_dim",
                    c.headDim() + " is odd; rotary embedding needs an even head_dim");
        }
        Files.createDirectories(out);
        OnnxGraphBuilder graph = new OnnxGraphBuilder(c.modelType() + "-decoder");
        long linked;
        long copied;
        try (OnnxWeights weights = new OnnxWeights(graph, model.checkpoint(), out, linkWeights)) {
            new LlamaOnnxGraph(graph, weights, c, options, c.maxPositionEmbeddings()).build();
            linked = weights.linkedBytes();
            copied = weights.copiedBytes();
        }
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("hearth")
                .setProducerVersion(Integer.toString(GRAPH_VERSION)).setGraph(graph.build())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        boolean int4 = options.precision() == OnnxPrecision.INT4;
        if (options.fused() || int4) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(OnnxGraphBuilder.MS_DOMAIN).setVersion(1));
        }
        meta(m, OnnxNames.META_LAYOUT, options.fused() ? OnnxNames.LAYOUT_SHARED : OnnxNames.LAYOUT_APPEND);
        meta(m, OnnxNames.META_PRECISION, options.precision().label());
        if (int4) {
            meta(m, OnnxNames.META_INT4_BLOCK_SIZE, options.blockSize());
        }
        meta(m, OnnxNames.META_LAYERS, c.numHiddenLayers());
        meta(m, OnnxNames.META_KV_HEADS, c.numKeyValueHeads());
        meta(m, OnnxNames.META_HEAD_DIM, c.headDim());
        meta(m, OnnxNames.META_VOCAB, c.vocabSize());
        meta(m, OnnxNames.META_MAX_POSITIONS, c.maxPositionEmbeddings());
        try (OutputStream os = Files.newOutputStream(out.resolve(OnnxExport.MODEL_FILE))) {
            m.build().writeTo(os);
        }
        return new OnnxExport(out, options, key, false, linked, copied);
    }

    private static void meta(ModelProto.Builder m, String key, Object value) {
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(String.valueOf(value)));
    }
}
