package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quant.RowGroups;
import dev.hearth.gguf.quant.TokenPanel;
import dev.hearth.gguf.testing.ModelLogits;
import dev.hearth.gguf.testing.ReferenceLogits;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CPU forward pass against llama.cpp's logits for every prompt position (../shared/reference). */
class LlamaForwardReferenceTest {

    /**
     * The shared README's bound on the relative L2 error of the logits matrix (all positions); a wrong dequantisation
     * gives about 1. With llama.cpp's activation quantisation, F16 cache numerics and x86 summation order the
     * quantized files agree far closer (Q4_K_M to about 3e-8; Q8_0 token by token to the bit, its batches, whose float
     * sums flip an F16 KV cache entry of this random-weight model, to about 3e-3): the test prints the figure.
     */
    private static final double MAX_RELATIVE_L2 = 1e-2;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "models/stories260K/stories260K.gguf, reference/stories260K.logits",
            "models/llama-mini/llama-mini-F16.gguf, reference/llama-mini-F16.logits",
            "models/llama-mini/llama-mini-Q8_0.gguf, reference/llama-mini-Q8_0.logits",
            "models/llama-mini/llama-mini-Q4_K_M.gguf, reference/llama-mini-Q4_K_M.logits"})
    void logitsMatchLlamaCpp(String model, String reference) throws Exception {
        ReferenceLogits ref = ReferenceLogits.read(SharedData.file(reference));
        float[][] ours = ModelLogits.of(SharedData.file(model), ref.tokens());
        double worst = 0;
        for (int pos = 0; pos < ours.length; pos++) {
            worst = Math.max(worst, ReferenceLogits.relativeL2(ours[pos], ref.logits()[pos]));
        }
        double error = ReferenceLogits.relativeL2(ours, ref.logits());
        System.out.printf("%s: relative L2 %.2e over %d positions (worst position %.2e)%n", model, error,
                ours.length, worst);
        assertTrue(error < MAX_RELATIVE_L2, model + ": relative L2 error " + error + " >= " + MAX_RELATIVE_L2);
    }

    /**
     * Q4_K_M, Q8_0 and F16: all have unpacked-row paths for batches of four and more. K-quant rows give the
     * single-token products to the bit. Q8_0 rows multiply dequantized floats, and F16 rows sum in one accumulator
     * where the single-token kernel alternates two, each equal to the single-token product up to float rounding
     * ({@code UnpackedRow}); such a difference can flip an entry of the F16 KV cache, and every later position then
     * moves (see {@link #rowGroupsGiveTheLogitsOfTheMappedRows}). So Q8_0 must agree to {@value #BATCHED_RELATIVE_L2}
     * relative L2 over the first {@value #GROUPED_POSITIONS} positions (it moved from position 17 on), F16, whose
     * products are rounded to halves for the cache from the first position, to {@value #BATCHED_F16_RELATIVE_L2} over
     * all; a wrong weight moves logits by whole percents.
     */
    @ParameterizedTest
    @CsvSource({"llama-mini-Q4_K_M", "llama-mini-Q8_0", "llama-mini-F16"})
    void batchesGiveTheSameLogitsAsOneTokenAtATime(String name) throws Exception {
        ReferenceLogits ref = ReferenceLogits.read(SharedData.file("reference/" + name + ".logits"));
        Path model = SharedData.file("models/llama-mini/" + name + ".gguf");
        float[][] single = ModelLogits.of(model, ref.tokens(), 1);
        float[][] batched = ModelLogits.of(model, ref.tokens(), 7); // batches that do not divide the prompt
        double worst = 0;
        for (int pos = 0; pos < single.length; pos++) {
            worst = Math.max(worst, ReferenceLogits.relativeL2(batched[pos], single[pos]));
            if (name.endsWith("Q4_K_M")) {
                assertArrayEquals(single[pos], batched[pos], "position " + pos);
            } else if (name.endsWith("F16")) {
                double error = ReferenceLogits.relativeL2(batched[pos], single[pos]);
                assertTrue(error < BATCHED_F16_RELATIVE_L2, name + " position " + pos + ": relative L2 " + error);
            } else if (pos < GROUPED_POSITIONS) {
                double error = ReferenceLogits.relativeL2(batched[pos], single[pos]);
                assertTrue(error < BATCHED_RELATIVE_L2, name + " position " + pos + ": relative L2 " + error);
            }
        }
        System.out.printf("%s: batched against single tokens, worst relative L2 %.2e%n", name, worst);
    }

    /**
     * Q4_K, Q6_K and Q8_0 matrices repacked in row groups ({@link LlamaWeights#repacked}) multiply single tokens
     * with their own kernels, which sum in another float order than the row kernels (ggml's), so products differ in
     * the last bits. This random-weight model turns such a difference into a different KV cache entry somewhere along
     * the prompt, and every later position then differs by about 1.5e-2 (so does the row path with each product scaled by
     * {@code 1 + 2^-23}: from position 24 on). The first {@value #GROUPED_POSITIONS} positions must agree to
     * float rounding; a wrong quant, scale or min gives whole percents from position 0.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama-mini-Q4_K_M", "llama-mini-Q8_0"})
    void rowGroupsGiveTheLogitsOfTheMappedRows(String name) throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        ReferenceLogits ref = ReferenceLogits.read(SharedData.file("reference/" + name + ".logits"));
        Path model = SharedData.file("models/llama-mini/" + name + ".gguf");
        float[][] rows = ModelLogits.of(model, ref.tokens(), 1);
        float[][] groups = ModelLogits.of(model, ref.tokens(), 1, true);
        double worst = 0;
        double sum = 0;
        for (int pos = 0; pos < GROUPED_POSITIONS; pos++) {
            double error = ReferenceLogits.relativeL2(groups[pos], rows[pos]);
            assertTrue(error < BATCHED_RELATIVE_L2, "position " + pos + ": relative L2 " + error);
            worst = Math.max(worst, error);
            sum += error;
        }
        System.out.printf("%s: row groups against rows, worst relative L2 %.2e%n", name, worst);
        assertTrue(sum > 0, "no position differs: the row groups were not used");
    }

    /**
     * Prompt batches over row groups run each token through the same kernel, or for Q4_K through a token panel that
     * sums each product as that kernel does: the logits equal to the bit. Batches of 7, and Q4_K_M's whole prompt in
     * one batch (0), which takes the panel where it runs.
     */
    @ParameterizedTest
    @CsvSource({"llama-mini-Q4_K_M, 7", "llama-mini-Q8_0, 7", "llama-mini-Q4_K_M, 0"})
    void rowGroupsGiveBatchesTheLogitsOfOneTokenAtATime(String name, int batch) throws Exception {
        assumeTrue(RowGroups.supported(), "row groups need 512-bit vectors, which this CPU lacks");
        ReferenceLogits ref = ReferenceLogits.read(SharedData.file("reference/" + name + ".logits"));
        Path model = SharedData.file("models/llama-mini/" + name + ".gguf");
        float[][] single = ModelLogits.of(model, ref.tokens(), 1, true);
        float[][] batched = ModelLogits.of(model, ref.tokens(), batch == 0 ? ref.tokens().length : batch, true);
        for (int pos = 0; pos < single.length; pos++) assertArrayEquals(single[pos], batched[pos], "position " + pos);
    }

    /**
     * A prompt in one batch over Q8_0 row groups goes through token panels, the groups decoded to floats: the logits of
     * the mapped rows in one batch (which {@link #logitsMatchLlamaCpp} holds to llama.cpp's), to the bit.
     */
    @Test
    void rowGroupsInOnePanelBatchGiveTheMappedRowsLogits() throws Exception {
        ReferenceLogits ref = ReferenceLogits.read(SharedData.file("reference/llama-mini-Q8_0.logits"));
        Path model = SharedData.file("models/llama-mini/llama-mini-Q8_0.gguf");
        int[] tokens = ref.tokens();
        assumeTrue(RowGroups.supported() && TokenPanel.applies(QuantType.Q8_0, tokens.length, true),
                "row groups and token panels need 512-bit vectors, which this CPU lacks");
        float[][] mapped = ModelLogits.of(model, tokens, tokens.length);
        float[][] grouped = ModelLogits.of(model, tokens, tokens.length, true);
        for (int pos = 0; pos < tokens.length; pos++) {
            assertArrayEquals(mapped[pos], grouped[pos], "position " + pos);
        }
    }

    private static final int GROUPED_POSITIONS = 16;

    /** Float rounding in a few layers: about 1e-7 here; a wrong weight or scale moves logits by whole percents. */
    private static final double BATCHED_RELATIVE_L2 = 1e-5;

    /** Float rounding where F16 cache entries may flip (2.6e-5 at position 4 of llama-mini F16, 2026-11-27). */
    private static final double BATCHED_F16_RELATIVE_L2 = 1e-3;
}
