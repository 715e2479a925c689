package dev.hearth.gguf.quantize;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.GgufTensorInfo;
import dev.hearth.gguf.format.GgufUnsupportedException;
import dev.hearth.gguf.format.GgufValueType;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.writer.GgufWriter;
import dev.hearth.gguf.writer.Progress;

/**
 * Quantizes a GGUF model to a {@link QuantMix}, like llama.cpp's {@code llama-quantize}: the metadata is copied,
 * {@code general.quantization_version} (2) and {@code general.file_type} are set (appended at the end, as
 * llama.cpp does), every tensor keeps its name, shape and position and gets the type {@link TensorTypeRules}
 * chooses. Tensors are read from the mapped input, converted row by row on all threads and streamed to the output.
 */
public final class ModelQuantizer {

    /** {@code GGML_QNT_VERSION}: the version of the quantized block formats. */
    public static final int QUANTIZATION_VERSION = 2;

    private final RowQuantizer rows;

    public ModelQuantizer(RowQuantizer rows) {
        this.rows = rows;
    }

    /** The type each tensor of {@code in} gets under {@code mix}, in file order. */
    public static Map<String, GgmlType> plan(GgufFile in, QuantMix mix) throws GgufUnsupportedException {
        TensorTypeRules rules = new TensorTypeRules(mix, in.tensorsByName().keySet());
        Map<String, GgmlType> out = new LinkedHashMap<>();
        for (GgufTensorInfo t : in.tensors()) {
            GgmlType type = rules.typeFor(t.name(), t.shape(), t.type());
            if (type != t.type() && QuantType.forId(t.type().id()).isEmpty()) {
                throw new GgufUnsupportedException(in.path(), t.infoOffset(), t.item(), "type " + t.type()
                        + " cannot be read for requantization; readable: " + QuantType.supportedNames());
            }
            out.put(t.name(), type);
        }
        return out;
    }

    /** Writes {@code in} quantized to {@code mix} as {@code out} (temporary file, renamed at the end). */
    public void quantize(GgufFile in, Path out, QuantMix mix, Progress progress) throws IOException {
        Map<String, GgmlType> plan = plan(in, mix);
        GgufWriter w = new GgufWriter();
        w.putAll(in.metadata());
        w.putLast(GgufNames.QUANTIZATION_VERSION, GgufValueType.UINT32, (long) QUANTIZATION_VERSION);
        w.putLast(GgufNames.FILE_TYPE, GgufValueType.UINT32, (long) mix.fileType());
        List<GgufTensorInfo> sources = new ArrayList<>(in.tensors());
        for (GgufTensorInfo t : sources) {
            w.tensor(t.name(), plan.get(t.name()), t.shape());
        }
        int[] done = {0};
        w.write(out, (info, dst) -> {
            GgufTensorInfo src = in.tensorsByName().get(info.name());
            write(in.tensorData(src), src.type(), info, dst, rows);
            progress.step(++done[0], sources.size(), info.name() + " " + src.type() + " -> " + info.type());
        });
    }

    /** Copies or converts one tensor's data from {@code srcType} to {@code info.type()}. */
    static void write(MemorySegment src, GgmlType srcType, GgufTensorInfo info, MemorySegment dst, RowQuantizer rows)
            throws IOException {
        if (srcType == info.type()) {
            dst.copyFrom(src);
            return;
        }
        int n = Math.toIntExact(info.shape().dim(0));
        long count = info.elementCount() / Math.max(1, n);
        try {
            rows.quantize(RowSource.of(src, srcType, n), count, n, info.type(), dst);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while quantizing " + info.name());
        }
    }
}
