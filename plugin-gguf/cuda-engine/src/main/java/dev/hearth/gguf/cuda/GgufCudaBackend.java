package dev.hearth.gguf.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.chat.ChatTemplates;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.engine.CpuRepack;
import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaConfig;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaLoader;
import dev.hearth.gguf.llama.LlamaSupport;
import dev.hearth.gguf.llama.LlamaWeights;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.tokenizer.GgufVocabularies;
import dev.hearth.tokenizer.Tokenizers;

/**
 * The {@code gguf-cuda} backend: Llama-family GGUF models on one NVIDIA GPU. Weights are uploaded once in their
 * block layout; memory is planned before anything is allocated. {@link #close()} closes every model it loaded.
 */
public final class GgufCudaBackend implements Backend, AutoCloseable {

    public static final String ID = "gguf-cuda";

    /** {@link LoadOptions#extra()} key naming a chat template that overrides the model's own. */
    public static final String OPTION_CHAT_TEMPLATE = "chat.template";

    private static final AtomicInteger LOADS = new AtomicInteger();

    private final CudaDevice device;
    private final Set<CudaLoadedModel> models = ConcurrentHashMap.newKeySet();

    public GgufCudaBackend(CudaDevice device) {
        this.device = device;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public DeviceInfo device() {
        return device.info();
    }

    @Override
    public Set<String> formats() {
        return Set.of(GgufModelFormat.ID);
    }

    @Override
    public String version() {
        return "hearth-gguf-cuda (PTX compute_80, " + device.name() + ", CUDA driver " + device.driverVersion() + ")";
    }

    @Override
    public Support supports(ModelDescription model) {
        return LlamaSupport.check(model, ID, CudaMatVec.TYPES, "CUDA",
                CudaMatVec.TYPES.stream().map(Enum::name).sorted().toList().toString());
    }

    @Override
    public LoadedModel load(ModelDescription model, LoadOptions options) throws IOException {
        Support s = supports(model);
        if (!s.supported()) throw new IOException(model.path().getFileName() + ": " + s.reason());
        GgufFile file = GgufFile.open(model.path());
        boolean fileInUse = false; // a partial offload keeps it: the CPU layers read their weights from the mapping
        try {
            LlamaConfig config = LlamaLoader.config(file);
            if (config.headDim() > CudaAttention.MAX_HEAD_DIM) {
                throw new IOException(model.path().getFileName() + ": head dimension " + config.headDim()
                        + " exceeds the CUDA attention kernel's " + CudaAttention.MAX_HEAD_DIM);
            }
            // --gpu-layers: -1 (or more than the model has) puts every layer on the GPU
            int gpuLayers = options.gpuLayers() < 0 ? config.layers() : Math.min(options.gpuLayers(), config.layers());
            LlamaWeights weights = LlamaLoader.weights(file, config);
            int context = options.contextLength() > 0 ? options.contextLength() : config.contextLength();
            CudaMemoryPlan plan = CudaMemoryPlan.of(config, CudaWeights.bytes(config, weights, gpuLayers), context,
                    gpuLayers, device.freeMemory());
            if (!plan.fits()) {
                throw new IOException(model.path().getFileName() + " does not fit on " + device.info().label()
                        + " with " + gpuLayers + " of " + config.layers() + " layers: " + plan.describe(context)
                        + "; lower --context, use a smaller quantization or put fewer layers on the GPU with "
                        + "--gpu-layers N");
            }
            Tokenizer tokenizer = Tokenizers.create(GgufVocabularies.fromFile(file));
            Optional<ChatTemplate> template = ChatTemplates.select(model.chatTemplate(), text(tokenizer,
                    tokenizer.bos()), text(tokenizer, tokenizer.eos()), options.extra().get(OPTION_CHAT_TEMPLATE));
            KvCacheType kvType = KvCacheType.parse(options.extra().getOrDefault(LoadOptions.KV_TYPE, "f16"));
            String owner = ID + ":" + model.name() + "#" + LOADS.incrementAndGet();
            CudaKernels kernels = new CudaKernels(device);
            CudaWeights gpuWeights;
            try {
                gpuWeights = new CudaWeights(device, owner, config, weights, gpuLayers);
            } catch (RuntimeException e) {
                kernels.close();
                throw new IOException(model.path().getFileName() + ": upload to " + device.info().label()
                        + " failed (" + plan.describe(context) + "): " + e.getMessage(), e);
            }
            CudaLoadedModel.CpuPart cpu = null;
            if (gpuLayers < config.layers()) {
                WorkerPool pool = new WorkerPool(options.threads() > 0 ? options.threads()
                        : Runtime.getRuntime().availableProcessors());
                Arena groups = Arena.ofShared();
                LlamaWeights cpuWeights = CpuRepack.apply(weights, groups, pool, gpuLayers);
                cpu = new CudaLoadedModel.CpuPart(new LlamaForward(config, cpuWeights, pool), kvType, () -> {
                    pool.close();
                    groups.close();
                    file.close();
                });
                fileInUse = true;
            }
            CudaLoadedModel[] self = new CudaLoadedModel[1];
            CudaLoadedModel m = new CudaLoadedModel(model, device, owner, kernels, gpuWeights,
                    new CudaForward(config, gpuWeights, kernels), tokenizer, template, context,
                    plan.weights(), cpu, () -> models.remove(self[0]));
            self[0] = m;
            models.add(m);
            return m;
        } finally {
            if (!fileInUse) file.close();
        }
    }

    /** Models loaded and not yet closed. */
    public int openModels() {
        return models.size();
    }

    /** Closes every model this backend loaded (the bundle is stopping or its device went away). */
    @Override
    public void close() {
        for (CudaLoadedModel m : new ArrayList<>(models)) m.close();
    }

    private static String text(Tokenizer t, int id) {
        return id < 0 ? "" : t.tokenText(id);
    }

    /** The loaded models, for tests. */
    List<CudaLoadedModel> loaded() {
        return List.copyOf(models);
    }
}
