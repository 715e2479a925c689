package dev.hearth.gguf.synth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.hearth.tokenizer.Vocabulary;

/**
 * Writes a vocabulary as Hugging Face tokenizer files: a SentencePiece {@code tokenizer.model} for kind
 * {@code llama}, a {@code tokenizer.json} (byte-level BPE) for kind {@code gpt2}, and {@code tokenizer_config.json}
 * with the special tokens, add_bos/add_eos and the chat template.
 *
 * <p>{@code tokenizer.model} is the {@code ModelProto} protobuf: field 1 (repeated) pieces {@code {1 piece,
 * 2 score (float), 3 type}}; field 2 trainer_spec {@code {3 model_type = 2 (BPE), 35 byte_fallback, 40 unk_id,
 * 41 bos_id, 42 eos_id, 43 pad_id}}; field 3 normalizer_spec {@code {1 name "identity", 3 add_dummy_prefix,
 * 4 remove_extra_whitespaces = false}}.
 */
public final class HfTokenizerFiles {

    private HfTokenizerFiles() {}

    public static void write(Path folder, Vocabulary v, Optional<String> chatTemplate) throws IOException {
        if (Vocabulary.KIND_LLAMA.equals(v.kind())) {
            Files.write(folder.resolve("tokenizer.model"), sentencePieceModel(v));
        } else {
            Files.writeString(folder.resolve("tokenizer.json"), tokenizerJson(v));
        }
        JsonObject cfg = new JsonObject();
        cfg.addProperty("tokenizer_class", Vocabulary.KIND_LLAMA.equals(v.kind()) ? "LlamaTokenizer" : "PreTrainedTokenizerFast");
        if (v.bos() >= 0) cfg.addProperty("bos_token", v.tokens()[v.bos()]);
        if (v.eos() >= 0) cfg.addProperty("eos_token", v.tokens()[v.eos()]);
        if (v.unk() >= 0) cfg.addProperty("unk_token", v.tokens()[v.unk()]);
        cfg.addProperty("add_bos_token", v.addBos());
        cfg.addProperty("add_eos_token", v.addEos());
        chatTemplate.ifPresent(t -> cfg.addProperty("chat_template", t));
        Files.writeString(folder.resolve("tokenizer_config.json"),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(cfg));
    }

    static byte[] sentencePieceModel(Vocabulary v) {
        Proto model = new Proto();
        boolean byteFallback = false;
        for (int i = 0; i < v.size(); i++) {
            Proto piece = new Proto();
            piece.bytes(1, v.tokens()[i].getBytes(StandardCharsets.UTF_8));  // piece
            piece.fixed32(2, Float.floatToRawIntBits(v.score(i)));           // score
            piece.varint(3, v.tokenType(i));                                 // type
            model.bytes(1, piece.toBytes());
            byteFallback |= v.tokenType(i) == Vocabulary.TYPE_BYTE;
        }
        Proto trainer = new Proto();
        trainer.varint(3, 2);                                    // model_type BPE
        trainer.varint(35, byteFallback ? 1 : 0);                // byte_fallback
        trainer.varint(40, v.unk());                             // unk_id
        trainer.varint(41, v.bos());                             // bos_id
        trainer.varint(42, v.eos());                             // eos_id
        trainer.varint(43, v.pad());                             // pad_id
        model.bytes(2, trainer.toBytes());
        Proto normalizer = new Proto();
        normalizer.bytes(1, "identity".getBytes(StandardCharsets.UTF_8));
        normalizer.varint(3, v.addSpacePrefix() ? 1 : 0);        // add_dummy_prefix
        normalizer.varint(4, 0);                                 // remove_extra_whitespaces
        model.bytes(3, normalizer.toBytes());
        return model.toBytes();
    }

    static String tokenizerJson(Vocabulary v) {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        JsonArray added = new JsonArray();
        for (int i = 0; i < v.size(); i++) {
            if (v.tokenType(i) == Vocabulary.TYPE_CONTROL) {
                JsonObject a = new JsonObject();
                a.addProperty("id", i);
                a.addProperty("content", v.tokens()[i]);
                a.addProperty("special", true);
                added.add(a);
            }
        }
        root.add("added_tokens", added);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "ByteLevel");
        pre.addProperty("add_prefix_space", false);
        root.add("pre_tokenizer", pre);
        JsonObject dec = new JsonObject();
        dec.addProperty("type", "ByteLevel");
        root.add("decoder", dec);
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < v.size(); i++) vocab.addProperty(v.tokens()[i], i);
        model.add("vocab", vocab);
        JsonArray merges = new JsonArray();
        v.merges().forEach(merges::add);
        model.add("merges", merges);
        root.add("model", model);
        return new GsonBuilder().disableHtmlEscaping().create().toJson(root);
    }

    /** A protobuf message being written. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
        }

        void fixed32(int field, int bits) {
            raw((long) field << 3 | 5);
            for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        }

        void bytes(int field, byte[] b) {
            raw((long) field << 3 | 2);
            raw(b.length);
            out.writeBytes(b);
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toBytes() { return out.toByteArray(); }
    }
}
