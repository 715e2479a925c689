package dev.hearth.gguf.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.convert.HfToGgufConverter;
import dev.hearth.gguf.engine.GgufCpuBackend;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.GgufTensorInfo;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.testing.SharedData;
import dev.hearth.gguf.testing.TestCommandContext;
import dev.hearth.gguf.tokenizer.GgufVocabularies;
import dev.hearth.gguf.writer.Progress;
import dev.hearth.rope.Llama3RopeScaling;
import dev.hearth.tokenizer.Vocabulary;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic models: deterministic per seed, loadable, the same weights in GGUF and SafeTensors. */
class SynthModelTest {

    static final SynthPreset TINY = new SynthPreset("tiny", "tiny", 256, 512, 2, 4, 2, 1000, 256, 10000, 1e-5, false);

    @TempDir
    Path dir;

    private Path gguf(SynthModel m, String name, QuantMix mix) throws Exception {
        Path out = dir.resolve(name);
        try (RowQuantizer rows = new RowQuantizer(2)) {
            m.writeGguf(out, mix, rows, Progress.NONE);
        }
        return out;
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherWeights() throws Exception {
        Vocabulary v = ByteLevelVocabulary.generate(TINY.vocab());
        Path a = gguf(new SynthModel(TINY, v, Optional.empty(), 5), "a.gguf", QuantMix.Q4_K_M);
        Path b = gguf(new SynthModel(TINY, v, Optional.empty(), 5), "b.gguf", QuantMix.Q4_K_M);
        Path c = gguf(new SynthModel(TINY, v, Optional.empty(), 6), "c.gguf", QuantMix.Q4_K_M);
        assertEquals(-1L, Files.mismatch(a, b));
        assertNotEquals(-1L, Files.mismatch(a, c));
        assertEquals(Files.size(a), Files.size(c));
        try (GgufFile g = GgufFile.open(a)) {
            assertEquals("tiny (random weights)", g.metadata().getString(GgufNames.NAME));
            assertEquals(GgmlType.Q6_K, g.requireTensor(GgufNames.OUTPUT).type());
            assertEquals(GgmlType.F32, g.requireTensor("blk.0.attn_norm.weight").type());
            // N(0, 0.02): check the standard deviation of one matrix
            GgufTensorInfo t = g.requireTensor("blk.1.ffn_up.weight");
            float[] row = new float[256];
            double sum2 = 0;
            for (int r = 0; r < 512; r++) {
                dev.hearth.gguf.quant.QuantType.Q4_K.dequantizeRow(g.tensorData(t), r * 144L, row, 0, 256);
                for (float x : row) sum2 += x * x;
            }
            double std = Math.sqrt(sum2 / (512 * 256));
            assertEquals(0.02, std, 0.001);
        }
    }

    /** The mini preset with the real Llama 2 vocabulary, Q4_K_M (what bench uses), runs in the CPU backend. */
    @Test
    void miniLoadsAndGeneratesInTheCpuBackend() throws Exception {
        Path vocab = SharedData.file("models/llama-mini/llama-mini-F16.gguf");
        TestCommandContext ctx = new TestCommandContext(dir);
        int rc = new SynthCommand().execute(ctx, List.of("--preset", "mini", "--type", "Q4_K_M", "--out", "m.gguf",
                "--vocab", vocab.toString(), "--seed", "3"));
        assertEquals(HearthCommand.OK, rc, ctx.errText());
        Path out = dir.resolve("m.gguf");
        try (LoadedModel m = new GgufCpuBackend().load(new GgufModelFormat().describe(out),
                LoadOptions.defaults().withThreads(2)); Session s = m.newSession()) {
            assertEquals(32000, m.tokenizer().vocabSize());
            GenerationResult r = s.generate(GenerationRequest.of("Once upon a time", 8), (id, t) -> { });
            assertEquals(8, r.tokens().length);
        }
        try (GgufFile g = GgufFile.open(out); GgufFile ref = GgufFile.open(vocab)) {
            assertEquals(15, g.metadata().getInt(GgufNames.FILE_TYPE));
            assertEquals(GgufVocabularies.fromFile(ref), GgufVocabularies.fromFile(g));
            for (GgufTensorInfo t : ref.tensors()) assertEquals(t.shape(), g.requireTensor(t.name()).shape(), t.name());
        }
    }

    /** SafeTensors output of a seed, converted back, gives the GGUF F16 output of that seed byte for byte. */
    @Test
    void safetensorsAndGgufHoldTheSameWeights() throws Exception {
        for (Vocabulary v : List.of(ByteLevelVocabulary.generate(TINY.vocab()), spmVocabulary())) {
            SynthPreset p = new SynthPreset("tiny", "tiny", 256, 512, 2, 4, 2, v.size(), 256, 10000, 1e-5, false);
            SynthModel m = new SynthModel(p, v, Optional.of("{{ messages }}"), 9);
            Path g = gguf(m, "s.gguf", QuantMix.F16);
            Path hf = dir.resolve("hf-" + v.kind());
            Path back = dir.resolve("back.gguf");
            try (RowQuantizer rows = new RowQuantizer(2)) {
                m.writeSafetensors(hf, GgmlType.F16, rows, Progress.NONE);
                new HfToGgufConverter(rows).convert(hf, back, QuantMix.F16, Progress.NONE);
            }
            try (GgufFile a = GgufFile.open(g); GgufFile b = GgufFile.open(back)) {
                assertEquals(a.tensors().size(), b.tensors().size());
                for (GgufTensorInfo t : a.tensors()) {
                    assertArrayEquals(a.tensorData(t).toArray(ValueLayout.JAVA_BYTE),
                            b.tensorData(b.requireTensor(t.name())).toArray(ValueLayout.JAVA_BYTE), t.name());
                }
                Vocabulary va = GgufVocabularies.fromFile(a);
                Vocabulary vb = GgufVocabularies.fromFile(b);
                assertArrayEquals(va.tokens(), vb.tokens(), v.kind());
                assertEquals(va.merges(), vb.merges(), v.kind());
                assertEquals(va.bos(), vb.bos());
                assertEquals(a.metadata().value(GgufNames.CHAT_TEMPLATE), b.metadata().value(GgufNames.CHAT_TEMPLATE));
            }
            Files.delete(back);
            Files.delete(g);
        }
    }

    /**
     * llama3 RoPE scaling: the GGUF holds rope_freqs.weight (F32, one divisor per frequency: 1 for the fast pairs,
     * the factor for the slowest), config.json holds rope_scaling, and converting the folder writes the same tensor.
     */
    @Test
    void llama3RopeScalingIsInBothFormatsAndSurvivesConversion() throws Exception {
        Llama3RopeScaling scaling = new Llama3RopeScaling(8, 1, 4, 64);
        SynthModel m = new SynthModel(TINY.withRopeScaling(scaling), ByteLevelVocabulary.generate(TINY.vocab()),
                Optional.empty(), 4);
        Path g = gguf(m, "l3.gguf", QuantMix.F16);
        Path hf = dir.resolve("hf-l3");
        Path back = dir.resolve("back.gguf");
        try (RowQuantizer rows = new RowQuantizer(2)) {
            m.writeSafetensors(hf, GgmlType.F16, rows, Progress.NONE);
            new HfToGgufConverter(rows).convert(hf, back, QuantMix.F16, Progress.NONE);
        }
        JsonObject rs = JsonParser.parseString(Files.readString(hf.resolve("config.json"))).getAsJsonObject()
                .getAsJsonObject("rope_scaling");
        assertEquals("llama3", rs.get("rope_type").getAsString());
        assertEquals(List.of(8.0, 1.0, 4.0, 64.0), List.of(rs.get("factor").getAsDouble(),
                rs.get("low_freq_factor").getAsDouble(), rs.get("high_freq_factor").getAsDouble(),
                rs.get("original_max_position_embeddings").getAsDouble()));
        float[] expected = scaling.divisors(TINY.ropeTheta(), TINY.headDim());
        for (Path p : List.of(g, back)) {
            try (GgufFile f = GgufFile.open(p)) {
                GgufTensorInfo t = f.requireTensor(GgufNames.ROPE_FREQS);
                assertEquals(GgmlType.F32, t.type());
                float[] freqs = f.tensorData(t).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
                assertArrayEquals(expected, freqs, p.getFileName().toString());
                // head size 64, theta 10000: pair 0 turns once per 2*pi positions, pair 31 once per ~47000
                assertEquals(1f, freqs[0]);
                assertEquals(8f, freqs[31]);
                assertTrue(freqs[6] > 1f && freqs[6] < 8f, "wavelength 2*pi*10000^(12/64) = 35 is between 64/4 and 64: " + freqs[6]);
                assertTrue(f.metadata().optionalString("llama.rope.scaling.type").isEmpty(), "llama.cpp writes no type for llama3");
            }
        }
    }

    private static Vocabulary spmVocabulary() throws Exception {
        try (GgufFile f = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-F16.gguf"))) {
            return GgufVocabularies.fromFile(f);
        }
    }

    @Test
    void commandRefusesBadUsage() throws Exception {
        TestCommandContext ctx = new TestCommandContext(dir);
        SynthCommand c = new SynthCommand();
        assertEquals(HearthCommand.USAGE, c.execute(ctx, List.of("--preset", "gpt-5", "--out", "x.gguf")));
        assertEquals(HearthCommand.USAGE, c.execute(ctx, List.of("--preset", "mini")));
        assertEquals(HearthCommand.USAGE, c.execute(ctx, List.of("--out", "x", "--format", "safetensors", "--type", "Q4_K_M")));
        assertEquals(HearthCommand.FAILURE, c.execute(ctx, List.of("--out", "x.gguf", "--vocab", "nope.gguf")));
        assertTrue(ctx.errText().contains("unknown preset 'gpt-5'"), ctx.errText());
        assertTrue(Files.notExists(dir.resolve("x.gguf")));
    }

    @Test
    void presetsHaveTheirRealGeometry() {
        SynthPreset t = SynthPreset.byName("tinyllama-1.1b").orElseThrow();
        assertEquals(List.of(2048, 5632, 22, 32, 4, 32000, 2048), List.of(t.dim(), t.ffn(), t.layers(), t.heads(),
                t.kvHeads(), t.vocab(), t.context()));
        SynthPreset l3 = SynthPreset.byName("llama-3.2-1b").orElseThrow();
        assertTrue(l3.tied() && l3.vocab() == 128256 && l3.ropeTheta() == 500000 && l3.kvHeads() == 8);
        assertEquals(Optional.of(new Llama3RopeScaling(32, 1, 4, 8192)), l3.ropeScaling());
        assertEquals(Optional.empty(), t.ropeScaling());
        assertEquals(128256, ByteLevelVocabulary.generate(128256).size());
    }
}
