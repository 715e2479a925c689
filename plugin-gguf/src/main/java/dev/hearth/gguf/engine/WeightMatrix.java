package dev.hearth.gguf.engine;

import java.lang.foreign.MemorySegment;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quant.UnpackedRow;

/**
 * A weight matrix of {@code rows x cols} in its on-disk block layout, viewed in place in the mapped file
 * (ggml's {@code ne0 = cols}, {@code ne1 = rows}).
 */
public record WeightMatrix(String name, QuantType type, MemorySegment data, int rows, int cols) {

    /**
     * The fewest rows a thread takes at a time in a product over unpacked rows: four tiles of four rows, and slices on
     * cache-line boundaries of the output.
     */
    private static final int GRAIN = 16;
    /**
     * The fewest rows a thread takes at a time in a single-token product: the threads end a step at most this far apart
     * (4 rows of a 5632-column Q6_K matrix are 18 KB), and four outputs share a cache line at worst.
     */
    private static final int TOKEN_GRAIN = 4;

    /**
     * From this many activations on, a row is decoded once ({@link UnpackedRow}) and then multiplied with each.
     * Decoding costs several single-token dot products of the row, so it pays from about four activations: one
     * thread, TinyLlama Q4_K_M, a decode pass of 2 / 4 / 8 / 16 sessions took 335 / 316 / 473 / 728 ms unpacked
     * against 194 / 374 / 773 / 1802 ms direct (one session: about 90 ms).
     */
    private static final int UNPACK_MIN_BATCH = 4;

    /** Four decoded rows per thread, reused from row to row and product to product. */
    private static final ThreadLocal<UnpackedRow[]> SCRATCH = ThreadLocal.withInitial(
            () -> new UnpackedRow[] {new UnpackedRow(), new UnpackedRow(), new UnpackedRow(), new UnpackedRow()});

    public long rowBytes() {
        return type.rowBytes(cols);
    }

    /**
     * {@code out[b][r] = row r · xs[b]} for every row and the activations {@code b} in {@code [from, to)}, on the
     * pool ({@link MatrixProduct}). Larger batches of supported types go over rows decoded once per thread and
     * multiplied four rows by four activations at a time ({@link UnpackedRow}); every product then equals the
     * single-token kernel's ({@link QuantType#dot}) to the bit, except Q8_0's, which differ by float rounding. Makes
     * a product for this call; the engine reuses one {@link MatrixProduct} per state instead.
     */
    public void matMul(Activation[] xs, int from, int to, float[][] out, WorkerPool pool) {
        new MatrixProduct().inSequence(new WeightMatrix[] {this}, ProductInput.shared(xs), from, to,
                new float[][][] {out}, MatrixProduct.NOTHING, pool);
    }

    /** Rows {@code [rowStart, rowEnd)} times the activations {@code [from, to)} into {@code out}. */
    void multiply(Activation[] xs, int from, int to, float[][] out, int rowStart, int rowEnd) {
        long rowBytes = rowBytes();
        if (unpacks(to - from)) {
            UnpackedRow[] four = SCRATCH.get();
            int r = rowStart;
            for (; r + 3 < rowEnd; r += 4) {
                for (int i = 0; i < 4; i++) four[i].unpack(type, data, (r + i) * rowBytes, cols);
                UnpackedRow.dotFour(four, xs, from, to, out, r);
            }
            for (; r < rowEnd; r++) {
                four[0].unpack(type, data, r * rowBytes, cols);
                for (int b = from; b < to; b++) out[b][r] = four[0].dot(xs[b]);
            }
            return;
        }
        for (int r = rowStart; r < rowEnd; r++) {
            long offset = r * rowBytes;
            for (int b = from; b < to; b++) out[b][r] = type.dot(data, offset, xs[b], cols);
        }
    }

    /** Rows in a unit of the pool's pieces for a product over {@code batch} activations. */
    int grain(int batch) {
        return unpacks(batch) ? GRAIN : TOKEN_GRAIN;
    }

    /** Whether a product over {@code batch} activations goes over unpacked rows. */
    private boolean unpacks(int batch) {
        return batch >= UNPACK_MIN_BATCH && UnpackedRow.supports(type);
    }

    /**
     * Quantises {@code x} to the form this matrix's rows multiply with in a product over {@code batch} activations
     * (once per {@link Activation#set}).
     */
    public void prepare(Activation x, int batch) {
        x.prepare(type.activationFormat(), unpacks(batch));
    }

    /** Writes row {@code row} as floats to {@code dst[off, off + cols)}. */
    public void dequantizeRow(int row, float[] dst, int off) {
        type.dequantizeRow(data, row * rowBytes(), dst, off, cols);
    }
}
