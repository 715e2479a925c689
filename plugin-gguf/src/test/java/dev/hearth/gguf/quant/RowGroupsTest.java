package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every grouped type's kernels owe ({@link RowGroups}): products equal to the exact sums up to float rounding,
 * a vector kernel equal to its scalar twin to the bit, and two activations at once equal to each alone. The layouts
 * and the overflow bounds are tested per type ({@link Q4_KRowGroupsTest}, {@link Q6_KRowGroupsTest},
 * {@link Q8_0RowGroupsTest}).
 */
class RowGroupsTest {

    static final int ROWS = RowGroups.ROWS;

    /** One type's kernels, as the tests call them. */
    enum Kernels {
        Q4_K(QuantType.Q4_K, Q4_KRowGroups::dotGroupScalar, Q4_KRowGroups::dotGroup, Q4_KRowGroups::dotGroup2,
                Q4_KKernels::dotScalar),
        Q6_K(QuantType.Q6_K, Q6_KRowGroups::dotGroupScalar, Q6_KRowGroups::dotGroup, Q6_KRowGroups::dotGroup2,
                Q6_KKernels::dotScalar),
        Q8_0(QuantType.Q8_0, Q8_0RowGroups::dotGroupScalar, Q8_0RowGroups::dotGroup, Q8_0RowGroups::dotGroup2,
                Q8_0Kernels::dotScalar);

        final QuantType type;
        final GroupDot scalar;
        final GroupDot vector;
        final GroupDot2 two;
        final RowDot row;

        Kernels(QuantType type, GroupDot scalar, GroupDot vector, GroupDot2 two, RowDot row) {
            this.type = type;
            this.scalar = scalar;
            this.vector = vector;
            this.two = two;
            this.row = row;
        }
    }

    interface GroupDot {
        void dot(MemorySegment w, long offset, Q8Activation x, int n, float[] out, int outOff);
    }

    interface GroupDot2 {
        void dot(MemorySegment w, long offset, Q8Activation x0, Q8Activation x1, int n, float[] out0, float[] out1,
                 int outOff);
    }

    interface RowDot {
        float dot(MemorySegment w, long offset, Q8Activation x, int n);
    }

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void groupProductsMatchTheExactSumsAndTheRowKernelsUpToRounding(Kernels k) {
        int cols = 2048;
        Random rnd = new Random(2);
        MemorySegment src = KernelFixtures.randomRows(k.type, 3 * ROWS, cols, 0, rnd);
        MemorySegment groups = grouped(k.type, src, 3 * ROWS, cols);
        Q8Activation x = activation(k.type, KernelFixtures.gaussian(rnd, cols, 1.0));
        long rowBytes = k.type.rowBytes(cols);
        float[] out = new float[3 * ROWS];
        for (int g = 0; g < 3; g++) {
            k.scalar.dot(groups, g * RowGroups.groupBytes(k.type, cols), x, cols, out, g * ROWS);
        }
        for (int r = 0; r < 3 * ROWS; r++) {
            double exact = 0;
            double magnitude = 0;
            for (int i = 0; i < cols; i++) {
                double term = KernelFixtures.reference(k.type, src, r * rowBytes, i) * x.get(i);
                exact += term;
                magnitude += Math.abs(term);
            }
            assertEquals(exact, out[r], 1e-5 * magnitude, "row " + r + " against the exact sum");
            assertEquals(k.row.dot(src, r * rowBytes, x, cols), out[r], 2e-5 * magnitude,
                    "row " + r + " against the row kernel");
        }
    }

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void vectorKernelEqualsItsScalarTwinToTheBit(Kernels k) {
        assumeWide();
        Random rnd = new Random(3);
        for (int cols : new int[] {256, 2048, 5632}) {
            MemorySegment groups = grouped(k.type, KernelFixtures.randomRows(k.type, 2 * ROWS, cols, 0, rnd), 2 * ROWS,
                    cols);
            Q8Activation x = activation(k.type, KernelFixtures.gaussian(rnd, cols, 3.0));
            float[] scalar = new float[2 * ROWS];
            float[] vector = new float[2 * ROWS];
            for (int g = 0; g < 2; g++) {
                long at = g * RowGroups.groupBytes(k.type, cols);
                k.scalar.dot(groups, at, x, cols, scalar, g * ROWS);
                k.vector.dot(groups, at, x, cols, vector, g * ROWS);
            }
            assertArrayEquals(scalar, vector, "cols " + cols);
        }
    }

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void twoActivationsAtOnceGiveWhatEachGivesAlone(Kernels k) {
        assumeWide();
        Random rnd = new Random(5);
        int cols = 1024;
        MemorySegment src = KernelFixtures.randomRows(k.type, 2 * ROWS, cols, 0, rnd);
        MemorySegment groups = grouped(k.type, src, 2 * ROWS, cols);
        Q8Activation[] x = {activation(k.type, KernelFixtures.gaussian(rnd, cols, 1.0)),
                activation(k.type, KernelFixtures.gaussian(rnd, cols, 4.0))};
        for (int g = 0; g < 2; g++) {
            long at = g * RowGroups.groupBytes(k.type, cols);
            float[][] both = new float[2][2 * ROWS];
            k.two.dot(groups, at, x[0], x[1], cols, both[0], both[1], g * ROWS);
            for (int a = 0; a < 2; a++) {
                float[] alone = new float[2 * ROWS];
                k.vector.dot(groups, at, x[a], cols, alone, g * ROWS);
                assertArrayEquals(Arrays.copyOfRange(alone, g * ROWS, g * ROWS + ROWS),
                        Arrays.copyOfRange(both[a], g * ROWS, g * ROWS + ROWS), "group " + g + ", activation " + a);
            }
        }
    }

    static void assumeWide() {
        assumeTrue(GgmlLanes.WIDE, "the grouped kernels need 512-bit vectors; this CPU has " + Simd.BITS);
    }

    /** The {@code rows x cols} matrix of {@code type} at {@code src}, grouped as the engine does. */
    static MemorySegment grouped(QuantType type, MemorySegment src, int rows, int cols) {
        MemorySegment groups = Arena.ofAuto().allocate(RowGroups.groupBytes(type, cols) * (rows / ROWS), 64);
        for (int g = 0; g < rows / ROWS; g++) RowGroups.repack(type, src, g, cols, groups);
        return groups;
    }

    /** {@code x} quantized to the activation form {@code type}'s rows multiply with. */
    static Q8Activation activation(QuantType type, float[] x) {
        Q8Activation a = new Q8Activation(x.length);
        if (type.activationFormat() == ActivationFormat.Q8_0) {
            Q8Activation.quantizeQ8_0(x, 0, x.length, a);
        } else {
            Q8Activation.quantizeQ8_K(x, 0, x.length, a);
        }
        return a;
    }
}
