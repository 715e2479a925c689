package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link PanelKernels} over a {@link TokenPanel}: every product equal to the bit to the row's
 * {@link UnpackedRow#dotInPanelOrder}, that within float rounding of the exact sum of the decoded weights times the
 * activation, for 4 and 16 rows and batch sizes from one tile to seven and a bit, the last tile filled up with zeros;
 * no other token's output is written.
 */
class PanelKernelsTest {

    @ParameterizedTest
    @ValueSource(ints = {32, 100, 2048, 2049, 5632})
    void panelTilesMatchTheirOrderBitForBit(int n) {
        for (QuantType type : new QuantType[] {QuantType.F16, QuantType.BF16, QuantType.Q8_0}) {
            assumeTrue(TokenPanel.fits(type, TokenPanel.TILE), "no 512-bit vectors here");
            if (n % type.blockSize() != 0) continue;
            Random rnd = new Random(17L * n + type.ordinal());
            long prefix = 5;
            MemorySegment w = KernelFixtures.randomRows(type, 16, n, prefix, rnd);
            UnpackedRow[] rows = new UnpackedRow[16];
            for (int r = 0; r < 16; r++) {
                rows[r] = new UnpackedRow();
                rows[r].unpack(type, w, prefix + r * type.rowBytes(n), n);
            }
            int first = 3;
            int most = n <= 2048 ? 7 * TokenPanel.LANES + 5 : TokenPanel.TILE + 1;
            Activation[] xs = new Activation[first + most];
            for (int t = 0; t < xs.length; t++) {
                // at an offset into a larger array, as the engine's batch rows are
                xs[t] = new Activation(n).set(KernelFixtures.gaussian(rnd, n + 2 + t, 0.5 + t % 5), 2 + t, n)
                        .prepare(type.activationFormat(), true);
            }
            TokenPanel panel = new TokenPanel();
            for (int tokens = TokenPanel.TILE; tokens <= most; tokens += n <= 2048 ? 5 : most) {
                int to = first + tokens;
                panel.fill(type, xs, first, to);
                for (int count : new int[] {4, 16}) {
                    assertProducts(rows, count, xs, panel, type + " n=" + n + ", " + count + " rows, tokens [" + first
                            + ", " + to + ")");
                }
            }
            for (int r = 0; r < 16; r++) {
                assertNearExact(type, rows[r], xs[first + r], "row " + r);
            }
        }
    }

    /** The panel's tokens times rows {@code [0, count)}, into outputs 1 .. count; no other output written. */
    private static void assertProducts(UnpackedRow[] rows, int count, Activation[] xs, TokenPanel panel, String what) {
        float[][] out = new float[panel.to + 1][count + 2];
        for (float[] o : out) Arrays.fill(o, Float.NaN);
        UnpackedRow.dotRows(rows, count, xs, panel, panel.from, panel.to, out, 1);
        for (int t = 0; t < out.length; t++) {
            for (int r = 0; r < count + 2; r++) {
                String where = what + ", token " + t + " row " + (r - 1);
                if (t < panel.from || t >= panel.to || r < 1 || r > count) {
                    assertTrue(Float.isNaN(out[t][r]), where + ": written");
                    continue;
                }
                float single = rows[r - 1].dotInPanelOrder(xs[t]);
                assertEquals(Float.floatToRawIntBits(single), Float.floatToRawIntBits(out[t][r]),
                        where + ": single " + single + ", panel " + out[t][r]);
            }
        }
    }

    /** The panel's order against the exact sum of the row's floats times the activation's. */
    private static void assertNearExact(QuantType type, UnpackedRow row, Activation x, String where) {
        int n = row.length();
        float[] a = UnpackedRow.floats(type, x, n);
        int off = UnpackedRow.offset(type, x);
        double exact = 0;
        double magnitude = 0;
        for (int k = 0; k < n; k++) {
            double term = (double) row.weights[k] * a[off + k];
            exact += term;
            magnitude += Math.abs(term);
        }
        // one rounding per multiply-add: at most n half-ulps of the running sum, far below this
        assertEquals(exact, row.dotInPanelOrder(x), 0x1p-24 * n * magnitude, type + " " + where);
    }

    @Test
    void panelsWhereVectorsAre512BitsUnlessThePropertySaysFalse() {
        assertTrue(TokenPanel.chosen(null, true));
        assertTrue(TokenPanel.chosen("", true));
        assertFalse(TokenPanel.chosen(null, false), "no 512-bit vectors in this JVM");
        assertFalse(TokenPanel.chosen("true", false), "the kernel needs 512-bit vectors");
        assertFalse(TokenPanel.chosen("false", true));
        assertThrows(IllegalArgumentException.class, () -> TokenPanel.chosen("yes", true));
        assertThrows(IllegalArgumentException.class, () -> TokenPanel.chosen("yes", false));
    }

    @Test
    void smallBatchesAndMismatchesAreRefused() {
        QuantType type = QuantType.F16;
        assumeTrue(TokenPanel.fits(type, TokenPanel.TILE), "no 512-bit vectors here");
        assertFalse(TokenPanel.fits(type, TokenPanel.TILE - 1));
        assertFalse(TokenPanel.fits(QuantType.Q6_K, 96), "Q6_K rows keep their integer kernels");
        assertEquals(RowGroups.supported(), TokenPanel.applies(QuantType.Q4_K, 96, true), "Q4_K groups decode");
        assertFalse(TokenPanel.applies(QuantType.Q4_K, 96, false), "unpacked Q4_K rows keep their integer tiles");
        int n = 64;
        Random rnd = new Random(3);
        Activation[] xs = new Activation[40];
        for (int t = 0; t < xs.length; t++) {
            xs[t] = new Activation(n).set(KernelFixtures.gaussian(rnd, n, 1.0), 0, n).prepare(ActivationFormat.Q8_0,
                    true);
        }
        TokenPanel panel = new TokenPanel();
        assertThrows(IllegalArgumentException.class, () -> panel.fill(type, xs, 0, TokenPanel.TILE - 1));
        panel.fill(QuantType.Q8_0, xs, 0, 40);
        UnpackedRow[] rows = new UnpackedRow[16];
        MemorySegment w = KernelFixtures.randomRows(type, 16, n, 0, rnd);
        for (int r = 0; r < 16; r++) {
            rows[r] = new UnpackedRow();
            rows[r].unpack(type, w, r * type.rowBytes(n), n);
        }
        float[][] out = new float[40][16];
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> UnpackedRow.dotRows(rows, 16, xs, panel, 0, 40, out, 0));
        assertTrue(kind.getMessage().contains("Q8_0"), kind.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> UnpackedRow.dotRows(rows, 16, xs, panel, 1, 40, out, 0));
        assertTrue(range.getMessage().contains("[0, 40)"), range.getMessage());
    }
}
