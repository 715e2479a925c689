package dev.hearth.gguf.cuda;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.hearth.gguf.quant.QuantType;

/**
 * Writes a TinyLlama-1.1B-shaped GGUF with random weights for the speed benchmark (dim 2048, ffn 5632, 22 layers,
 * 32 heads, 4 KV heads, vocab 32000), in F16, Q8_0 or a Q4_K_M-like mix (Q4_K, with Q6_K for the output head and
 * for attn_v and ffn_down of every other layer). Quantized blocks are random bytes under a small fixed scale: timing
 * does not depend on the values, only on their finiteness. A stand-in until the {@code hearth synth} command exists.
 */
final class SynthGguf {

    private record Tensor(String name, long[] dims, QuantType type) {
        long bytes() {
            return type.rowBytes(Math.toIntExact(dims[0])) * (dims.length > 1 ? dims[1] : 1);
        }
    }

    private static final int ALIGN = 32;

    private SynthGguf() {
    }

    static void writeTinyLlama(Path out, String quant) throws IOException {
        int dim = 2048, ffn = 5632, layers = 22, heads = 32, kvHeads = 4, vocab = 32000;
        int kvDim = dim / heads * kvHeads;
        List<Tensor> ts = new ArrayList<>();
        QuantType base = switch (quant) {
            case "F16" -> QuantType.F16;
            case "Q8_0" -> QuantType.Q8_0;
            case "Q4_K_M" -> QuantType.Q4_K;
            default -> throw new IllegalArgumentException("quant " + quant + ": F16, Q8_0 or Q4_K_M");
        };
        boolean mix = quant.equals("Q4_K_M");
        ts.add(new Tensor("token_embd.weight", new long[] {dim, vocab}, base));
        for (int l = 0; l < layers; l++) {
            QuantType wide = mix && l % 2 == 0 ? QuantType.Q6_K : base;
            ts.add(new Tensor("blk." + l + ".attn_norm.weight", new long[] {dim}, QuantType.F32));
            ts.add(new Tensor("blk." + l + ".attn_q.weight", new long[] {dim, dim}, base));
            ts.add(new Tensor("blk." + l + ".attn_k.weight", new long[] {dim, kvDim}, base));
            ts.add(new Tensor("blk." + l + ".attn_v.weight", new long[] {dim, kvDim}, wide));
            ts.add(new Tensor("blk." + l + ".attn_output.weight", new long[] {dim, dim}, base));
            ts.add(new Tensor("blk." + l + ".ffn_norm.weight", new long[] {dim}, QuantType.F32));
            ts.add(new Tensor("blk." + l + ".ffn_gate.weight", new long[] {dim, ffn}, base));
            ts.add(new Tensor("blk." + l + ".ffn_up.weight", new long[] {dim, ffn}, base));
            ts.add(new Tensor("blk." + l + ".ffn_down.weight", new long[] {ffn, dim}, wide));
        }
        ts.add(new Tensor("output_norm.weight", new long[] {dim}, QuantType.F32));
        ts.add(new Tensor("output.weight", new long[] {dim, vocab}, mix ? QuantType.Q6_K : base));

        try (OutputStream fo = Files.newOutputStream(out);
             DataOutputStream o = new DataOutputStream(new BufferedOutputStream(fo, 1 << 20))) {
            Le w = new Le(o);
            w.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
            w.u32(3);
            w.u64(ts.size());
            w.u64(19); // metadata count
            w.kvString("general.architecture", "llama");
            w.kvString("general.name", "tinyllama-1.1b-shaped-random-" + quant);
            w.kvU32("llama.context_length", 2048);
            w.kvU32("llama.embedding_length", dim);
            w.kvU32("llama.block_count", layers);
            w.kvU32("llama.feed_forward_length", ffn);
            w.kvU32("llama.attention.head_count", heads);
            w.kvU32("llama.attention.head_count_kv", kvHeads);
            w.kvF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
            w.kvF32("llama.rope.freq_base", 10000f);
            w.kvString("tokenizer.ggml.model", "llama");
            w.kvTokens(vocab);
            w.kvU32("tokenizer.ggml.bos_token_id", 1);
            w.kvU32("tokenizer.ggml.eos_token_id", 2);
            w.kvU32("tokenizer.ggml.unknown_token_id", 0);
            w.kvBool("general.weights.random", true);
            w.kvU32("general.alignment", ALIGN);
            long offset = 0;
            for (Tensor t : ts) {
                w.string(t.name);
                w.u32(t.dims.length);
                for (long d : t.dims) w.u64(d);
                w.u32(t.type.typeId());
                w.u64(offset);
                offset += pad(t.bytes());
            }
            w.pad();
            SplittableRandom rnd = new SplittableRandom(1);
            for (Tensor t : ts) {
                writeData(w, t, rnd);
                w.pad();
            }
        }
    }

    private static long pad(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static void writeData(Le w, Tensor t, SplittableRandom rnd) throws IOException {
        long n = t.bytes();
        if (t.type == QuantType.F32) {
            for (long i = 0; i < n / 4; i++) w.f32(1f);
            return;
        }
        byte[] block = new byte[t.type.typeSize()];
        short scale = Float.floatToFloat16(t.type == QuantType.F16 ? 0 : 0.002f);
        for (long done = 0; done < n; done += block.length) {
            rnd.nextBytes(block);
            switch (t.type) {
                case F16 -> {
                    for (int i = 0; i < block.length; i += 2) {
                        short h = Float.floatToFloat16((float) (rnd.nextDouble() - 0.5) * 0.04f);
                        block[i] = (byte) h;
                        block[i + 1] = (byte) (h >> 8);
                    }
                }
                case Q8_0, Q4_K -> {
                    block[0] = (byte) scale;
                    block[1] = (byte) (scale >> 8);
                    if (t.type == QuantType.Q4_K) {
                        block[2] = (byte) scale;
                        block[3] = (byte) (scale >> 8);
                    }
                }
                case Q6_K -> {
                    block[208] = (byte) scale;
                    block[209] = (byte) (scale >> 8);
                }
                default -> throw new IllegalStateException(t.type.name());
            }
            w.bytes(block);
        }
    }

    /** Little-endian GGUF primitives. */
    private static final class Le {
        private final DataOutputStream o;
        private long written;

        Le(DataOutputStream o) {
            this.o = o;
        }

        void bytes(byte[] b) throws IOException {
            o.write(b);
            written += b.length;
        }

        void u32(int v) throws IOException {
            o.writeInt(Integer.reverseBytes(v));
            written += 4;
        }

        void u64(long v) throws IOException {
            o.writeLong(Long.reverseBytes(v));
            written += 8;
        }

        void f32(float v) throws IOException {
            u32(Float.floatToRawIntBits(v));
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void key(String k, int type) throws IOException {
            string(k);
            u32(type);
        }

        void kvU32(String k, int v) throws IOException {
            key(k, 4); // GGUF_TYPE_UINT32
            u32(v);
        }

        void kvF32(String k, float v) throws IOException {
            key(k, 6); // GGUF_TYPE_FLOAT32
            f32(v);
        }

        void kvBool(String k, boolean v) throws IOException {
            key(k, 7); // GGUF_TYPE_BOOL
            bytes(new byte[] {(byte) (v ? 1 : 0)});
        }

        void kvString(String k, String v) throws IOException {
            key(k, 8); // GGUF_TYPE_STRING
            string(v);
        }

        /** tokens, scores, token_type (counted as three of the metadata entries; the caller counts 19 in all). */
        void kvTokens(int vocab) throws IOException {
            key("tokenizer.ggml.tokens", 9); // GGUF_TYPE_ARRAY
            u32(8);
            u64(vocab);
            for (int i = 0; i < vocab; i++) {
                string(switch (i) {
                    case 0 -> "<unk>";
                    case 1 -> "<s>";
                    case 2 -> "</s>";
                    default -> "\u2581t" + i;
                });
            }
            key("tokenizer.ggml.scores", 9);
            u32(6);
            u64(vocab);
            for (int i = 0; i < vocab; i++) f32(-i);
            key("tokenizer.ggml.token_type", 9);
            u32(5); // INT32
            u64(vocab);
            for (int i = 0; i < vocab; i++) u32(i == 0 ? 2 : i < 3 ? 3 : 1);
        }

        void pad() throws IOException {
            while (written % ALIGN != 0) bytes(new byte[1]);
        }
    }
}
