package dev.hearth.gguf.quantize;

import java.lang.foreign.MemorySegment;

import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.quant.QuantType;

/**
 * The float rows of one tensor, read on demand (from a mapped file, a conversion, a random generator). Must be
 * safe to call from several threads at once for different rows.
 */
@FunctionalInterface
public interface RowSource {

    /** Writes row {@code row} ({@code dst.length} elements) into {@code dst}. */
    void row(long row, float[] dst);

    /** Rows of a tensor stored in {@code type} (any type with kernels) in {@code data}, rows of {@code n}. */
    static RowSource of(MemorySegment data, GgmlType type, int n) {
        QuantType q = QuantType.byId(type.id());
        long rowBytes = type.bytesFor(n);
        return (row, dst) -> q.dequantizeRow(data, row * rowBytes, dst, 0, n);
    }
}
