package dev.hearth.gguf.synth;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.quantize.RowSource;

/**
 * Writes a SafeTensors file, streaming: {@code uint64 header_size}, the JSON header (names → dtype, shape,
 * data_offsets; {@code __metadata__ {"format": "pt"}}), padded with spaces to a multiple of 8, then each tensor's
 * row-major data in declaration order. Tensors are F32, F16 or BF16, made row by row from a {@link RowSource}.
 */
public final class SafetensorsWriter {

    /** A declared tensor: HF shape (outermost first) and its rows (of the innermost dimension). */
    public record Tensor(String name, GgmlType type, long[] shape, RowSource rows) {
        long rowLength() { return shape[shape.length - 1]; }

        long rowCount() {
            long n = 1;
            for (int i = 0; i < shape.length - 1; i++) n *= shape[i];
            return n;
        }

        long byteSize() { return type.bytesFor(rowCount() * rowLength()); }
    }

    private final List<Tensor> tensors = new ArrayList<>();

    public SafetensorsWriter tensor(String name, GgmlType type, long[] shape, RowSource rows) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException("SafeTensors output is F32, F16 or BF16, not " + type);
        }
        tensors.add(new Tensor(name, type, shape.clone(), rows));
        return this;
    }

    /** Writes the file (the caller makes it atomic, e.g. inside a temporary folder). */
    public void write(Path file, RowQuantizer rows) throws IOException {
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (Tensor t : tensors) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", t.type().name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) shape.add(d);
            o.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offs.add(offset + t.byteSize());
            o.add("data_offsets", offs);
            header.add(t.name(), o);
            offset += t.byteSize();
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded);                                    // uint64 header_size
        head.put(json);                                          // JSON header
        while (head.hasRemaining()) head.put((byte) ' ');        // padding with spaces
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (head.hasRemaining()) ch.write(head);
            for (Tensor t : tensors) {
                try (Arena arena = Arena.ofShared()) {
                    MemorySegment seg = arena.allocate(Math.max(1, t.byteSize()), 64);
                    rows.quantize(t.rows(), t.rowCount(), (int) t.rowLength(), t.type(), seg);
                    for (long off = 0; off < t.byteSize(); off += 1L << 30) {
                        ByteBuffer b = seg.asSlice(off, Math.min(1L << 30, t.byteSize() - off)).asByteBuffer();
                        while (b.hasRemaining()) ch.write(b);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while writing " + t.name());
                }
            }
            ch.force(false);
        }
    }
}
