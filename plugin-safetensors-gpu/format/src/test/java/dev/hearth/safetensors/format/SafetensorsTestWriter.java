package dev.hearth.safetensors.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** Writes small SafeTensors files for tests: tensors laid out contiguously, or raw headers for corrupt cases. */
final class SafetensorsTestWriter {
    private record Tensor(String name, SafetensorsDtype dtype, long[] shape, byte[] data) {}

    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    SafetensorsTestWriter tensor(String name, SafetensorsDtype dtype, long[] shape, byte[] data) {
        tensors.add(new Tensor(name, dtype, shape, data));
        return this;
    }

    /** An F32 tensor whose elements are {@code seed + i}. */
    SafetensorsTestWriter f32(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(tensors.size() * 1000 + i);
        }
        return tensor(name, SafetensorsDtype.F32, shape, b.array());
    }

    SafetensorsTestWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The header JSON as this writer lays it out. */
    String headerJson() {
        JsonObject root = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach(m::addProperty);
            root.add("__metadata__", m);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", t.dtype().name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offs.add(offset + t.data().length);
            o.add("data_offsets", offs);
            root.add(t.name(), o);
            offset += t.data().length;
        }
        return root.toString();
    }

    byte[] data() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tensors.forEach(t -> out.writeBytes(t.data()));
        return out.toByteArray();
    }

    byte[] bytes() {
        return raw(headerJson(), data());
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    /** A file of the given header JSON (padded with spaces to a multiple of 8, as the reference writer does). */
    static byte[] raw(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    /** A file with an arbitrary header length field. */
    static byte[] withHeaderLength(long length, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(length).put(rest).array();
    }

    /** A minimal Llama model folder: config.json and model.safetensors consistent with it. */
    static Path llamaFolder(Path dir, int hidden, int ffn, int layers, int heads, int kvHeads, int vocab) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d,
                 "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                 "num_key_value_heads": %d, "vocab_size": %d, "max_position_embeddings": 64,
                 "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false,
                 "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": 2}
                """.formatted(hidden, ffn, layers, heads, kvHeads, vocab));
        llamaTensors(hidden, ffn, layers, heads, kvHeads, vocab).write(dir.resolve("model.safetensors"));
        return dir;
    }

    static SafetensorsTestWriter llamaTensors(int hidden, int ffn, int layers, int heads, int kvHeads, int vocab) {
        int headDim = hidden / heads;
        SafetensorsTestWriter w = new SafetensorsTestWriter().metadata("format", "pt");
        w.f32("model.embed_tokens.weight", vocab, hidden);
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            w.f32(p + "input_layernorm.weight", hidden);
            w.f32(p + "self_attn.q_proj.weight", heads * headDim, hidden);
            w.f32(p + "self_attn.k_proj.weight", kvHeads * headDim, hidden);
            w.f32(p + "self_attn.v_proj.weight", kvHeads * headDim, hidden);
            w.f32(p + "self_attn.o_proj.weight", hidden, heads * headDim);
            w.f32(p + "post_attention_layernorm.weight", hidden);
            w.f32(p + "mlp.gate_proj.weight", ffn, hidden);
            w.f32(p + "mlp.up_proj.weight", ffn, hidden);
            w.f32(p + "mlp.down_proj.weight", hidden, ffn);
        }
        w.f32("model.norm.weight", hidden);
        w.f32("lm_head.weight", vocab, hidden);
        return w;
    }
}
