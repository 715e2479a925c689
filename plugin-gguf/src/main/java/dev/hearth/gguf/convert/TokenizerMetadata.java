package dev.hearth.gguf.convert;

import java.util.Optional;

import dev.hearth.gguf.format.GgufArray;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.GgufValueType;
import dev.hearth.gguf.writer.GgufWriter;
import dev.hearth.tokenizer.Vocabulary;

/**
 * Writes a {@link Vocabulary} as GGUF {@code tokenizer.*} metadata, the keys llama.cpp reads: model, (pre), tokens,
 * scores, token_type, (merges), the special ids, add_bos/add_eos (and add_space_prefix when it is off), and the
 * chat template.
 */
public final class TokenizerMetadata {

    private TokenizerMetadata() {}

    public static void put(GgufWriter w, Vocabulary v, Optional<String> chatTemplate) {
        w.putString(GgufNames.TOKENIZER_MODEL, v.kind());
        if (Vocabulary.KIND_GPT2.equals(v.kind())) {
            w.putString(GgufNames.TOKENIZER_PRE, v.pre() == null || v.pre().isEmpty() ? "default" : v.pre());
        }
        w.putArray(GgufNames.TOKENS, GgufArray.ofStrings(v.tokens().clone()));
        if (v.scores() != null) {
            w.putArray(GgufNames.SCORES, GgufArray.ofFloats(v.scores().clone()));
        }
        int[] types = new int[v.size()];
        for (int i = 0; i < types.length; i++) types[i] = v.tokenType(i);
        w.putArray(GgufNames.TOKEN_TYPE, GgufArray.ofInts(types));
        if (!v.merges().isEmpty()) {
            w.putArray(GgufNames.MERGES, GgufArray.ofStrings(v.merges().toArray(String[]::new)));
        }
        id(w, "tokenizer.ggml.bos_token_id", v.bos());
        id(w, "tokenizer.ggml.eos_token_id", v.eos());
        id(w, "tokenizer.ggml.eot_token_id", v.eot());
        id(w, "tokenizer.ggml.unknown_token_id", v.unk());
        id(w, "tokenizer.ggml.padding_token_id", v.pad());
        w.putBool("tokenizer.ggml.add_bos_token", v.addBos());
        w.putBool("tokenizer.ggml.add_eos_token", v.addEos());
        if (Vocabulary.KIND_LLAMA.equals(v.kind()) && !v.addSpacePrefix()) {
            w.putBool("tokenizer.ggml.add_space_prefix", false);
        }
        chatTemplate.ifPresent(t -> w.put(GgufNames.CHAT_TEMPLATE, GgufValueType.STRING, t));
    }

    private static void id(GgufWriter w, String key, int id) {
        if (id >= 0) w.putU32(key, id);
    }
}
