package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import dev.hearth.gguf.engine.CpuRepack;
import dev.hearth.gguf.engine.HugePages;
import dev.hearth.gguf.engine.WeightMatrix;
import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.quant.RowGroups;
import dev.hearth.gguf.testing.ModelLogits;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.api.Test;

/** {@link LlamaWeights#repacked} repacks the groupable matrices of the layers the CPU runs, nothing else. */
class LlamaWeightsRowGroupsTest {

    @Test
    void onlyTheGroupableMatricesFromTheFirstCpuLayerAreRepacked() throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        try (GgufFile file = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-Q4_K_M.gguf"));
             WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            LlamaWeights weights = LlamaLoader.weights(file, LlamaLoader.config(file));
            int first = 2; // as for a GPU holding layers 0 and 1
            LlamaWeights grouped = weights.repacked(arena, pool, first, false);
            long expected = 0;
            int repacked = 0;
            for (int l = 0; l < weights.layers().length; l++) {
                WeightMatrix[] before = matrices(weights.layers()[l]);
                WeightMatrix[] after = matrices(grouped.layers()[l]);
                for (int i = 0; i < before.length; i++) {
                    assertSame(before[i].data(), after[i].data(), "the mapped rows stay");
                    long bytes = RowGroups.bytes(before[i].type(), before[i].rows(), before[i].cols());
                    if (l >= first && bytes > 0) {
                        assertEquals(bytes, after[i].groups().byteSize(), after[i].name());
                        expected += after[i].groups().byteSize();
                        repacked++;
                    } else {
                        assertNull(after[i].groups(), after[i].name() + " (" + after[i].type() + ", layer " + l + ")");
                    }
                }
            }
            assertTrue(repacked > 0, "llama-mini Q4_K_M has Q4_K and Q6_K matrices");
            assertEquals(expected + (grouped.output().groups() == null ? 0 : grouped.output().groups().byteSize()),
                    grouped.rowGroupBytes());
            assertSame(weights.tokenEmbedding(), grouped.tokenEmbedding());
        }
    }

    /**
     * Copied rows ({@code copyRows}) are the mapped bytes, in memory of their own, and the forward pass gives the same
     * logits to the bit from them, at every position.
     */
    @Test
    void copiedRowsAreTheMappedBytesAndGiveTheSameLogits() throws Exception {
        try (GgufFile file = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-F16.gguf"));
             WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            LlamaConfig config = LlamaLoader.config(file);
            LlamaWeights weights = LlamaLoader.weights(file, config);
            LlamaWeights copied = weights.repacked(arena, pool, 0, true);
            long expected = copied.output().data().byteSize();
            for (int l = 0; l < weights.layers().length; l++) {
                WeightMatrix[] before = matrices(weights.layers()[l]);
                WeightMatrix[] after = matrices(copied.layers()[l]);
                for (int i = 0; i < before.length; i++) {
                    assertTrue(before[i].data().isMapped() && !after[i].data().isMapped(), after[i].name());
                    assertEquals(-1, before[i].data().mismatch(after[i].data()), after[i].name() + " copied as it is");
                    expected += after[i].data().byteSize();
                }
            }
            assertEquals(-1, weights.output().data().mismatch(copied.output().data()));
            assertEquals(expected, copied.copiedRowBytes());
            assertEquals(0, copied.rowGroupBytes(), "F16 has no row groups");
            assertSame(weights.tokenEmbedding(), copied.tokenEmbedding());
            int[] tokens = {1, 450, 4996, 17354, 1701, 29916};
            float[][] mapped = ModelLogits.of(config, weights, pool, tokens, tokens.length);
            assertArrayEquals(mapped, ModelLogits.of(config, copied, pool, tokens, tokens.length));
        }
    }

    /**
     * Native memory for the groups refused: the engine runs on the mapped rows, with nothing half repacked. The arena
     * refuses, so the groups must come from it rather than from huge pages of their own.
     */
    @Test
    void withoutMemoryForTheGroupsTheMappedRowsServe() throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        Arena refusing = new Arena() {
            @Override
            public MemorySegment allocate(long byteSize, long byteAlignment) {
                throw new OutOfMemoryError("refused " + byteSize + " bytes (test)");
            }

            @Override
            public MemorySegment.Scope scope() {
                return Arena.global().scope();
            }

            @Override
            public void close() {
            }
        };
        try (GgufFile file = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-Q4_K_M.gguf"));
             WorkerPool pool = new WorkerPool(2)) {
            LlamaWeights weights = LlamaLoader.weights(file, LlamaLoader.config(file));
            System.setProperty(HugePages.PROPERTY, "false");
            assertSame(weights, CpuRepack.apply(weights, refusing, pool, 0));
        } finally {
            System.clearProperty(HugePages.PROPERTY);
        }
    }

    private static WeightMatrix[] matrices(LlamaWeights.Layer l) {
        return new WeightMatrix[] {l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()};
    }
}
