package dev.hearth.safetensors.onnx;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataLocation;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import dev.hearth.api.model.UnsupportedModelException;
import dev.hearth.safetensors.format.SafetensorsCheckpoint;
import dev.hearth.safetensors.format.SafetensorsDtype;
import dev.hearth.safetensors.format.SafetensorsEntry;
import dev.hearth.safetensors.format.SafetensorsException;
import dev.hearth.safetensors.format.SafetensorsFile;

/**
 * The weights of an exported graph as ONNX external data.
 *
 * <p>A tensor already stored in the precision the graph wants is not copied: its initializer points straight into
 * the {@code .safetensors} file, through a hard link of the same name next to {@code model.onnx} (ONNX Runtime
 * resolves external data relative to the model's folder and refuses paths that leave it, symbolic links included). ONNX Runtime maps such a
 * tensor when its file offset is a multiple of the page size and reads it into memory otherwise; either way nothing
 * is written to disk. Tensors that need a conversion (F16 or BF16 to F32, F32 or BF16 to F16) and the tables the
 * exporter computes (RoPE's cos and sin) go to {@value #DATA_FILE}, each at a 4096-byte boundary so ONNX Runtime
 * can map them. Where hard links cannot be made (another file system), every tensor goes to {@value #DATA_FILE}.
 * Weights quantized to 4 bits ({@link #int4}) go to {@value #DATA_FILE} as three tensors: packed codes, scales and
 * zero points.
 */
final class OnnxWeights implements AutoCloseable {
    static final String DATA_FILE = "weights.bin";
    static final int ALIGNMENT = 4096;
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private final OnnxGraphBuilder graph;
    private final SafetensorsCheckpoint checkpoint;
    private final Path folder;
    private final FileChannel data;
    private final Map<String, String> added = new LinkedHashMap<>();
    private final Map<String, Int4Weight> int4Added = new LinkedHashMap<>();
    private final Map<Path, String> links = new LinkedHashMap<>();
    private boolean linksWork;
    private long copiedBytes;
    private long linkedBytes;

    OnnxWeights(OnnxGraphBuilder graph, SafetensorsCheckpoint checkpoint, Path folder, boolean link) throws IOException {
        this.graph = graph;
        this.checkpoint = checkpoint;
        this.folder = folder;
        this.linksWork = link;
        this.data = FileChannel.open(folder.resolve(DATA_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** Bytes written to {@value #DATA_FILE} so far. */
    long copiedBytes() { return copiedBytes; }

    /** Bytes referenced in place in the {@code .safetensors} files. */
    long linkedBytes() { return linkedBytes; }

    /**
     * Adds the checkpoint's tensor {@code hfName} as an initializer of element type {@code target} and returns the
     * initializer's name (the Hugging Face name; a tensor used twice is added once).
     *
     * @throws UnsupportedModelException for a storage type other than F32, F16 and BF16
     */
    String weight(String hfName, DataType target) throws IOException {
        String key = hfName + "@" + target;
        String have = added.get(key);
        if (have != null) {
            return have;
        }
        SafetensorsEntry e = entry(hfName);
        SafetensorsFile file = checkpoint.fileOf(hfName).orElseThrow();
        String name = target == DataType.FLOAT ? hfName : hfName + ".f16";
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(target.getNumber())
                .setDataLocation(DataLocation.EXTERNAL);
        for (long d : e.shape().dims()) {
            t.addDims(d);
        }
        boolean same = (e.dtype() == SafetensorsDtype.F32 && target == DataType.FLOAT)
                || (e.dtype() == SafetensorsDtype.F16 && target == DataType.FLOAT16);
        String location = same ? link(file.file()) : null;
        if (location != null) {
            external(t, location, file.header().dataStart() + e.begin(), e.byteSize());
            linkedBytes += e.byteSize();
        } else {
            long offset = alignEnd();
            long length = convert(file.tensor(e), e.dtype(), target);
            external(t, DATA_FILE, offset, length);
        }
        graph.initializer(t.build());
        added.put(key, name);
        return name;
    }

    /** A float tensor of the checkpoint. @throws UnsupportedModelException for a dtype other than F32, F16, BF16 */
    private SafetensorsEntry entry(String hfName) throws IOException {
        SafetensorsEntry e = checkpoint.entry(hfName).orElseThrow(() -> new SafetensorsException(
                checkpoint.files().getFirst().file(), SafetensorsException.NO_OFFSET, "tensor '" + hfName + "'",
                "missing from the checkpoint"));
        if (e.dtype() != SafetensorsDtype.F32 && e.dtype() != SafetensorsDtype.F16 && e.dtype() != SafetensorsDtype.BF16) {
            throw new UnsupportedModelException(checkpoint.fileOf(hfName).orElseThrow().file(),
                    SafetensorsException.NO_OFFSET, "tensor '" + e.name() + "' dtype",
                    e.dtype() + " cannot be exported (supported: F32, F16, BF16)");
        }
        return e;
    }

    /**
     * The initializers of a 4-bit weight for {@code com.microsoft.MatMulNBits}.
     *
     * @param packed     B, uint8 {@code [N, k_blocks, blob_size]}
     * @param scales     float {@code [N * k_blocks]}
     * @param zeroPoints uint8 {@code [N * ceil(k_blocks / 2)]}
     * @param n          rows: output features (attribute N)
     * @param k          columns: input features (attribute K)
     */
    record Int4Weight(String packed, String scales, String zeroPoints, int n, int k) {}

    /**
     * Adds the checkpoint's 2-D {@code [out, in]} tensor {@code hfName} quantized to 4-bit blocks of
     * {@code blockSize} ({@link Int4BlockQuantizer}), written to {@value #DATA_FILE}; a tensor used twice is added
     * once.
     */
    Int4Weight int4(String hfName, int blockSize) throws IOException {
        String key = hfName + "@int4/" + blockSize;
        Int4Weight have = int4Added.get(key);
        if (have != null) {
            return have;
        }
        SafetensorsEntry e = entry(hfName);
        SafetensorsFile file = checkpoint.fileOf(hfName).orElseThrow();
        long[] dims = e.shape().dims();
        if (dims.length != 2 || dims[0] > Integer.MAX_VALUE || dims[1] > Integer.MAX_VALUE / 2) {
            throw new UnsupportedModelException(file.file(), SafetensorsException.NO_OFFSET,
                    "tensor '" + e.name() + "' shape", e.shape() + " cannot be quantized to int4: not a 2-D [out, in] weight");
        }
        int n = (int) dims[0];
        int k = (int) dims[1];
        int kBlocks = Int4BlockQuantizer.blocks(k, blockSize);
        int rowBytes = kBlocks * Int4BlockQuantizer.blobSize(blockSize);
        int zpBytes = Int4BlockQuantizer.zeroPointBytes(kBlocks);
        float[] scales = new float[n * kBlocks];
        byte[] zeroPoints = new byte[n * zpBytes];
        // ---- B, streamed row by row ----
        MemorySegment src = file.tensor(e);
        float[] row = new float[k];
        int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / rowBytes);
        byte[] chunk = new byte[Math.min(n, rowsPerChunk) * rowBytes];
        long packedAt = alignEnd();
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < k; i++) {
                row[i] = element(src, e.dtype(), (long) r * k + i);
            }
            int inChunk = r % rowsPerChunk;
            Int4BlockQuantizer.quantizeRow(row, k, blockSize, chunk, inChunk * rowBytes, scales, r * kBlocks,
                    zeroPoints, r * zpBytes);
            if (inChunk == rowsPerChunk - 1 || r == n - 1) {
                write(ByteBuffer.wrap(chunk, 0, (inChunk + 1) * rowBytes));
            }
        }
        String base = hfName + ".int4b" + blockSize;
        String packed = base + ".packed";
        graph.initializer(external(packed, DataType.UINT8, new long[] {n, kBlocks, rowBytes / kBlocks}, packedAt,
                (long) n * rowBytes));
        // ---- scales and zero points ----
        long scalesAt = alignEnd();
        ByteBuffer sb = ByteBuffer.allocate(scales.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        sb.asFloatBuffer().put(scales);
        write(sb);
        graph.initializer(external(base + ".scales", DataType.FLOAT, new long[] {scales.length}, scalesAt, scales.length * 4L));
        long zpAt = alignEnd();
        write(ByteBuffer.wrap(zeroPoints));
        graph.initializer(external(base + ".zero_points", DataType.UINT8, new long[] {zeroPoints.length}, zpAt,
                zeroPoints.length));
        Int4Weight q = new Int4Weight(packed, base + ".scales", base + ".zero_points", n, k);
        int4Added.put(key, q);
        return q;
    }

    private static TensorProto external(String name, DataType type, long[] dims, long offset,
            long length) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setDataLocation(DataLocation.EXTERNAL);
        for (long d : dims) {
            t.addDims(d);
        }
        external(t, DATA_FILE, offset, length);
        return t.build();
    }

    /** Whether the checkpoint stores {@code name} (or an alias of it). */
    boolean hasTensor(String name) {
        return checkpoint.entry(name).isPresent();
    }

    /** Adds a float table computed by the exporter, stored as {@code target}. */
    String table(String name, float[] values, long[] dims, DataType target) throws IOException {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(target.getNumber())
                .setDataLocation(DataLocation.EXTERNAL);
        for (long d : dims) {
            t.addDims(d);
        }
        long offset = alignEnd();
        int size = target == DataType.FLOAT16 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (size == 2) {
                b.putShort(Float.floatToFloat16(v));
            } else {
                b.putFloat(v);
            }
        }
        write(b.flip());
        external(t, DATA_FILE, offset, (long) values.length * size);
        graph.initializer(t.build());
        return name;
    }

    private static void external(TensorProto.Builder t, String location, long offset, long length) {
        t.addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        t.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
        t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
    }

    /**
     * The relative name of a hard link to {@code source} in the export folder, or null when none can be made (another
     * file system, or not allowed). Symbolic links do not help: ONNX Runtime resolves them and refuses a target
     * outside the model's folder.
     */
    private String link(Path source) {
        if (!linksWork) {
            return null;
        }
        String have = links.get(source);
        if (have != null) {
            return have;
        }
        String name = source.getFileName().toString();
        try {
            Path link = folder.resolve(name);
            Files.deleteIfExists(link);
            Files.createLink(link, source.toAbsolutePath());
            links.put(source, name);
            return name;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            linksWork = false;
            return null;
        }
    }

    private long alignEnd() throws IOException {
        long pos = data.size();
        long aligned = (pos + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        if (aligned > pos) {
            write(ByteBuffer.allocate((int) (aligned - pos)));
        }
        return aligned;
    }

    /** Appends {@code src} (elements of {@code from}) converted to {@code to}; returns the bytes written. */
    private long convert(MemorySegment src, SafetensorsDtype from, DataType to) throws IOException {
        long n = src.byteSize() / from.size();
        int outSize = to == DataType.FLOAT16 ? 2 : 4;
        ByteBuffer out = ByteBuffer.allocate((int) Math.min(n, CHUNK_ELEMENTS) * outSize).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            float v = element(src, from, i);
            if (outSize == 2) {
                out.putShort(Float.floatToFloat16(v));
            } else {
                out.putFloat(v);
            }
            if (!out.hasRemaining()) {
                write(out.flip());
                out.clear();
            }
        }
        write(out.flip());
        return n * outSize;
    }

    /** Element {@code i} of a F32, F16 or BF16 tensor. */
    private static float element(MemorySegment src, SafetensorsDtype dtype, long i) {
        return switch (dtype) {
            case F32 -> src.getAtIndex(LE_FLOAT, i);
            case F16 -> Float.float16ToFloat(src.getAtIndex(LE_SHORT, i));
            case BF16 -> Float.intBitsToFloat((src.getAtIndex(LE_SHORT, i) & 0xffff) << 16);
            default -> throw new IllegalStateException("unreachable: " + dtype);
        };
    }

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private void write(ByteBuffer b) throws IOException {
        copiedBytes += b.remaining();
        data.position(data.size());
        while (b.hasRemaining()) {
            data.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        data.close();
    }
}
