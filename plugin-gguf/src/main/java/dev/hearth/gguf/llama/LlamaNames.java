package dev.hearth.gguf.llama;

import java.util.Set;

/** The GGUF architectures the Llama forward pass runs: same tensors, same graph. Key and tensor names: GgufNames. */
public final class LlamaNames {

    private LlamaNames() {
    }

    /** Architectures that share Llama's tensors and forward pass. */
    public static final Set<String> LLAMA_LIKE = Set.of("llama", "mistral");
}
