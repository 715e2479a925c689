package dev.hearth.gguf.engine;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.ActivationFormat;
import dev.hearth.gguf.quant.DecodedGroup;
import dev.hearth.gguf.quant.F16Kernels;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quant.RowGroups;
import dev.hearth.gguf.quant.TokenPanel;
import dev.hearth.gguf.quant.UnpackedRow;

/**
 * A weight matrix of {@code rows x cols} in its on-disk block layout, viewed in place in the mapped file or copied
 * from it ({@link #repacked}) (ggml's {@code ne0 = cols}, {@code ne1 = rows}), and for Q4_K, Q6_K and Q8_0 its rows
 * repacked in groups of 16 that the products read instead ({@code groups}, null when not repacked;
 * {@link #withRowGroups}); {@code finiteHalves} where it is F16 and was found to hold no infinity or NaN
 * ({@link #withHalvesChecked}).
 */
public record WeightMatrix(String name, QuantType type, MemorySegment data, int rows, int cols,
                           MemorySegment groups, boolean finiteHalves) {

    public WeightMatrix(String name, QuantType type, MemorySegment data, int rows, int cols) {
        this(name, type, data, rows, cols, null, false);
    }

    /**
     * The fewest rows a thread takes at a time without row groups: the threads end a step at most this far apart (4
     * rows of a 5632-column Q6_K matrix are 18 KB), and four outputs share a cache line at worst. A prompt product's
     * last pieces go down to it too, a 4-row tile each, instead of one 16-row tile (on the 16-core Xeon a 16-row
     * tile of F16 down projection rows over 96 tokens took about 385 us).
     */
    private static final int GRAIN = 4;

    /**
     * From this many activations on, a row is decoded once ({@link UnpackedRow}) and then multiplied with each.
     * Decoding costs several single-token dot products of the row, so it pays from about four activations: one
     * thread, TinyLlama Q4_K_M, a decode pass of 2 / 4 / 8 / 16 sessions took 335 / 316 / 473 / 728 ms unpacked
     * against 194 / 374 / 773 / 1802 ms direct (one session: about 90 ms).
     */
    private static final int UNPACK_MIN_BATCH = 4;

    /**
     * A tile of decoded rows per thread ({@link UnpackedRow#tileRows}), reused from row to row and product to product.
     */
    private static final ThreadLocal<UnpackedRow[]> SCRATCH = ThreadLocal.withInitial(() -> {
        UnpackedRow[] rows = new UnpackedRow[UnpackedRow.MAX_TILE_ROWS];
        for (int i = 0; i < rows.length; i++) rows[i] = new UnpackedRow();
        return rows;
    });

    public long rowBytes() {
        return type.rowBytes(cols);
    }

    /** Bytes {@link #withRowGroups} needs for this matrix: 0 when it does not repack it. */
    public long groupBytes() {
        return groups == null ? RowGroups.bytes(type, rows, cols) : 0;
    }

    /**
     * Bytes {@link #repacked} takes for this matrix: its row groups', else with {@code copies} its mapped rows'; 0 when
     * it stays as it is.
     */
    public long repackedBytes(boolean copies) {
        long grouped = groupBytes();
        if (grouped > 0) return grouped;
        return copies && groups == null && data.isMapped() ? data.byteSize() : 0;
    }

    /**
     * This matrix with its rows grouped into {@code memory} ({@link #withRowGroups}), else copied there as they are
     * (of {@link #repackedBytes} bytes); the mapped pages are given back either way.
     */
    public WeightMatrix repacked(MemorySegment memory, WorkerPool pool) {
        if (groupBytes() > 0) return withRowGroups(memory, pool);
        long rowBytes = rowBytes();
        pool.parallelFor(rows, GRAIN, (start, end) -> MemorySegment.copy(data, start * rowBytes, memory,
                start * rowBytes, (end - start) * rowBytes));
        data.unload();
        return new WeightMatrix(name, type, memory, rows, cols, null, finiteHalves);
    }

    /**
     * This matrix with its rows also repacked in groups of 16 ({@link RowGroups}) into {@code memory} (of
     * {@link #groupBytes} bytes, 64-byte aligned), on the pool; this matrix itself when there is nothing to repack.
     * Every product then reads the groups (Q4_K, one token: 3x as fast as row by row on a Xeon core, 1.9x on Zen 4;
     * Q6_K 2.65x on Zen 4; prompt batches two tokens at a time, Q8_0's and Q4_K's from 32 tokens decoded to floats
     * for a token panel; docs/perf.md), so the mapped rows' pages are given back; only row lookups (a tied token
     * embedding) read them again.
     */
    public WeightMatrix withRowGroups(MemorySegment memory, WorkerPool pool) {
        if (groupBytes() == 0) return this;
        pool.parallelFor(rows / RowGroups.ROWS, 1, (start, end) -> {
            for (int g = start; g < end; g++) RowGroups.repack(type, data, g, cols, memory);
        });
        // the products read the groups from now on: give back the mapped pages the repacking read in
        if (data.isMapped()) data.unload();
        return new WeightMatrix(name, type, data, rows, cols, memory, finiteHalves);
    }

    /**
     * This matrix with {@code finiteHalves} set where it is F16 and none of its halves is an infinity or NaN, found by
     * one pass over it on the pool; its single-token products then take {@link F16Kernels#dotFinite}. Itself
     * otherwise, and without a scan where this process does not take that product
     * ({@link F16Kernels#scalesFiniteRows}).
     */
    public WeightMatrix withHalvesChecked(WorkerPool pool) {
        if (type != QuantType.F16 || finiteHalves || !F16Kernels.scalesFiniteRows()) return this;
        long rowBytes = rowBytes();
        AtomicBoolean finite = new AtomicBoolean(true);
        pool.parallelFor(rows, GRAIN, (start, end) -> {
            if (finite.get() && !F16Kernels.allFinite(data, start * rowBytes, (long) (end - start) * cols)) {
                finite.set(false);
            }
        });
        return finite.get() ? new WeightMatrix(name, type, data, rows, cols, groups, true) : this;
    }

    /** A row group decoded per thread for prompt batches ({@link DecodedGroup}), reused like {@link #SCRATCH}. */
    private static final ThreadLocal<DecodedGroup> DECODED = ThreadLocal.withInitial(DecodedGroup::new);

    /**
     * {@code out[b][r] = row r · xs[b]} for every row and the activations {@code b} in {@code [from, to)}, on the
     * pool ({@link MatrixProduct}). Larger batches of supported types go over rows decoded once per thread and
     * multiplied four rows by four activations at a time ({@link UnpackedRow}; float rows from 32 activations on 8 rows
     * by 32 activations over a {@link TokenPanel}); every product then equals the single-token kernel's
     * ({@link QuantType#dot}) to the bit for K-quants; Q8_0's, F16's and BF16's differ from it by float rounding (float
     * sums in another order). Row groups ({@link #withRowGroups}) give each product the same token alone gets, to
     * the bit (Q4_K's also through a token panel, {@link DecodedGroup}); Q8_0 groups through a token panel give the
     * mapped rows' panel products instead, to the bit. Makes a product for this call; the engine reuses one
     * {@link MatrixProduct} per state instead.
     */
    public void matMul(Activation[] xs, int from, int to, float[][] out, WorkerPool pool) {
        new MatrixProduct().inSequence(new WeightMatrix[] {this}, ProductInput.shared(xs), from, to,
                new float[][][] {out}, MatrixProduct.NOTHING, pool);
    }

    /**
     * Rows {@code [rowStart, rowEnd)} times the activations {@code [from, to)} into {@code out}; {@code panel} holds
     * them turned on their side where this matrix takes one ({@link #takesPanel}), else null.
     */
    void multiply(Activation[] xs, TokenPanel panel, int from, int to, float[][] out, int rowStart, int rowEnd) {
        if (unpacks(to - from)) {
            long rowBytes = rowBytes();
            UnpackedRow[] rows = SCRATCH.get();
            int tile = UnpackedRow.tileRows(type);
            int r = rowStart;
            while (r + 4 <= rowEnd) {
                int count = r + tile <= rowEnd ? tile : 4;
                for (int i = 0; i < count; i++) rows[i].unpack(type, data, (r + i) * rowBytes, cols);
                UnpackedRow.dotRows(rows, count, xs, panel, from, to, out, r);
                r += count;
            }
            for (; r < rowEnd; r++) {
                rows[0].unpack(type, data, r * rowBytes, cols);
                for (int b = from; b < to; b++) out[b][r] = rows[0].dot(xs[b]);
            }
            return;
        }
        int r = rowStart;
        if (groups != null) {
            int groupRows = RowGroups.ROWS;
            int firstGroup = (rowStart + groupRows - 1) / groupRows;
            int endGroup = rowEnd / groupRows;
            if (firstGroup < endGroup) {
                dotRows(xs, from, to, out, r, firstGroup * groupRows);
                multiplyGroups(xs, panel, from, to, out, firstGroup, endGroup);
                r = endGroup * groupRows;
            }
        }
        dotRows(xs, from, to, out, r, rowEnd);
    }

    /**
     * Row groups {@code [firstGroup, endGroup)} times the activations {@code [from, to)}: decoded to floats for a
     * {@code panel} where there is one, else through the groups' own kernels, two activations at a time.
     */
    private void multiplyGroups(Activation[] xs, TokenPanel panel, int from, int to, float[][] out, int firstGroup,
                                int endGroup) {
        int groupRows = RowGroups.ROWS;
        if (panel != null && takesPanel(to - from)) {
            DecodedGroup decoded = DECODED.get();
            for (int g = firstGroup; g < endGroup; g++) {
                decoded.decode(type, groups, g, cols);
                decoded.multiply(panel, out, g * groupRows);
            }
            return;
        }
        ActivationFormat format = type.activationFormat();
        for (int g = firstGroup; g < endGroup; g++) {
            int b = from;
            for (; b + 1 < to; b += 2) {
                RowGroups.dot2(type, groups, g, xs[b].quantized(format), xs[b + 1].quantized(format), cols,
                        out[b], out[b + 1], g * groupRows);
            }
            for (; b < to; b++) {
                RowGroups.dot(type, groups, g, xs[b].quantized(format), cols, out[b], g * groupRows);
            }
        }
    }

    /** Rows {@code [rowStart, rowEnd)} one at a time through the row kernel. */
    private void dotRows(Activation[] xs, int from, int to, float[][] out, int rowStart, int rowEnd) {
        long rowBytes = rowBytes();
        for (int r = rowStart; r < rowEnd; r++) {
            long offset = r * rowBytes;
            for (int b = from; b < to; b++) {
                out[b][r] = finiteHalves ? F16Kernels.dotFinite(data, offset, xs[b], cols)
                        : type.dot(data, offset, xs[b], cols);
            }
        }
    }

    /**
     * Rows in a unit of the pool's pieces: a row group, else a quad of rows; batches over unpacked rows keep tiles of
     * {@link #tileRows} rows in all but a step's last pieces.
     */
    int grain() {
        return groups != null ? RowGroups.ROWS : GRAIN;
    }

    /** Rows of the tiles a product over {@code batch} activations prefers its pieces to keep whole. */
    int tileRows(int batch) {
        return unpacks(batch) ? UnpackedRow.tileRows(type) : grain();
    }

    /**
     * Whether a product over {@code batch} activations reads them from a {@link TokenPanel}: over unpacked float rows,
     * or over row groups decoded to floats ({@link DecodedGroup}).
     */
    boolean takesPanel(int batch) {
        return (groups != null || unpacks(batch)) && TokenPanel.applies(type, batch, groups != null);
    }

    /** Whether a product over {@code batch} activations goes over unpacked rows. */
    private boolean unpacks(int batch) {
        return groups == null && batch >= UNPACK_MIN_BATCH && UnpackedRow.supports(type);
    }

    /**
     * Quantises {@code x} to the form this matrix's rows multiply with in a product over {@code batch} activations
     * (once per {@link Activation#set}).
     */
    public void prepare(Activation x, int batch) {
        // lane floats: the unpacked rows' tiles and Q8_0's panels read them, Q4_K's panels the quants themselves
        x.prepare(type.activationFormat(), unpacks(batch) || type == QuantType.Q8_0 && takesPanel(batch));
        if (finiteHalves && !unpacks(batch)) x.prepareHalvesScaled();
    }

    /** Writes row {@code row} as floats to {@code dst[off, off + cols)}. */
    public void dequantizeRow(int row, float[] dst, int off) {
        type.dequantizeRow(data, row * rowBytes(), dst, off, cols);
    }
}
