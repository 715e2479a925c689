package dev.hearth.gguf.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.chat.ChatTemplates;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaConfig;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaLoader;
import dev.hearth.gguf.llama.LlamaState;
import dev.hearth.gguf.llama.LlamaSupport;
import dev.hearth.gguf.llama.LlamaWeights;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.tokenizer.GgufVocabularies;
import dev.hearth.tokenizer.Tokenizers;

/** The {@code gguf-cpu} backend: Llama-family GGUF models on all CPU cores. */
public final class GgufCpuBackend implements Backend {

    public static final String ID = "gguf-cpu";

    private final DeviceInfo device = CpuDevice.describe();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    @Override
    public Set<String> formats() {
        return Set.of(GgufModelFormat.ID);
    }

    @Override
    public String version() {
        return "hearth-gguf-cpu " + Runtime.version();
    }

    @Override
    public Support supports(ModelDescription model) {
        return LlamaSupport.check(model, ID, List.of(QuantType.values()), "CPU", QuantType.supportedNames());
    }

    @Override
    public LoadedModel load(ModelDescription model, LoadOptions options) throws IOException {
        Support s = supports(model);
        if (!s.supported()) throw new IOException(model.path().getFileName() + ": " + s.reason());
        GgufFile file = GgufFile.open(model.path());
        try {
            LlamaConfig config = LlamaLoader.config(file);
            LlamaWeights weights = LlamaLoader.weights(file, config);
            Tokenizer tokenizer = Tokenizers.create(GgufVocabularies.fromFile(file));
            Optional<ChatTemplate> template = ChatTemplates.select(model.chatTemplate(), text(tokenizer,
                    tokenizer.bos()), text(tokenizer, tokenizer.eos()), options.extra().get(LoadOptions.CHAT_TEMPLATE));
            int threads = options.threads() > 0 ? options.threads()
                    : WorkerPool.defaultThreads();
            int context = options.contextLength() > 0 ? options.contextLength() : config.contextLength();
            KvCacheType kvType = KvCacheType.parse(options.extra().getOrDefault(LoadOptions.KV_TYPE, "f16"));
            int decodeBatch = decodeBatch(options);
            WorkerPool pool = new WorkerPool(threads);
            Arena groups = Arena.ofShared();
            try {
                LlamaWeights cpuWeights = CpuRepack.apply(weights, groups, pool, 0);
                return new CpuLoadedModel(model, file, pool, groups, new LlamaForward(config, cpuWeights, pool),
                        tokenizer, template, context,
                        model.tensorTypes().stream().mapToLong(ModelDescription.TensorTypeStat::bytes).sum(),
                        kvType, decodeBatch);
            } catch (RuntimeException e) {
                pool.close();
                groups.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** {@link LoadOptions#DECODE_BATCH}: 1 to {@link LlamaState#MAX_BATCH} sessions per pass, the most by default. */
    static int decodeBatch(LoadOptions options) {
        String v = options.extra().get(LoadOptions.DECODE_BATCH);
        if (v == null) return LlamaState.MAX_BATCH;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= LlamaState.MAX_BATCH) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(LoadOptions.DECODE_BATCH + ": expected 1.." + LlamaState.MAX_BATCH
                + " sessions per decode pass, found '" + v + "'");
    }

    private static String text(Tokenizer t, int id) {
        return id < 0 ? "" : t.tokenText(id);
    }
}
