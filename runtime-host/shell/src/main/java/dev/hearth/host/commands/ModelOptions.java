package dev.hearth.host.commands;

import dev.hearth.api.backend.LoadOptions;
import picocli.CommandLine.Option;

/** Options every command that loads a model shares (a picocli mixin). */
public final class ModelOptions {

    @Option(names = "--backend", paramLabel = "ID", description = "backend to run on (default: the first that supports the model, GPUs first)")
    String backend;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "context length in tokens (default: the model's)")
    int contextLength;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "CPU threads (default: one per core; generation steps leave one of 8 or more free)")
    int threads;

    @Option(names = "--gpu-layers", paramLabel = "N", description = "layers on the GPU, the rest on the CPU (default: all)")
    int gpuLayers = -1;

    @Option(names = "--chat-template", paramLabel = "NAME", description = "llama2, zephyr, chatml, llama3, mistral, or Jinja source (default: the model's)")
    String chatTemplate;

    @Option(names = "--kv-type", paramLabel = "TYPE", description = "KV cache precision: f16 (default) or f32")
    String kvType;

    LoadOptions loadOptions() {
        if (contextLength < 0) throw new IllegalArgumentException("--ctx must be >= 0");
        LoadOptions o = LoadOptions.defaults().withContextLength(contextLength).withThreads(threads)
                .withGpuLayers(gpuLayers);
        if (chatTemplate != null) o = o.withExtra(LoadOptions.CHAT_TEMPLATE, chatTemplate);
        if (kvType != null) o = o.withExtra(LoadOptions.KV_TYPE, kvType);
        return o;
    }
}
