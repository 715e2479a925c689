package dev.hearth.safetensors.ort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.chat.ChatTemplates;
import dev.hearth.safetensors.format.HfConfig;
import dev.hearth.safetensors.format.HfModelFolder;
import dev.hearth.safetensors.format.SafetensorsModelFormat;
import dev.hearth.safetensors.onnx.OnnxExport;
import dev.hearth.safetensors.onnx.OnnxExportCache;
import dev.hearth.safetensors.onnx.OnnxExportOptions;
import dev.hearth.safetensors.onnx.OnnxExporter;
import dev.hearth.safetensors.onnx.OnnxPrecision;

/**
 * A {@code safetensors-ort-*} backend: a Hugging Face model folder is exported to ONNX (or found in the export
 * cache) and run by ONNX Runtime on one execution provider.
 *
 * <p>{@link LoadOptions#extra()} keys: {@value #OPTION_PRECISION} ({@code fp32} on the CPU, {@code fp16} on GPUs by
 * default; {@code int4}: 4-bit linear layers), {@value #OPTION_BLOCK_SIZE} and {@value #OPTION_ACCURACY_LEVEL} (int4
 * only), {@value #OPTION_FUSED} ({@code true}: com.microsoft fused operators), {@value #OPTION_OPTIMIZATION}
 * ({@code all} by default, {@code extended}, {@code basic}, {@code none}), {@value #OPTION_CACHE} (the export cache
 * folder), {@value #OPTION_CHAT_TEMPLATE}.
 */
public final class OrtBackend implements Backend {
    private static final Logger LOG = Logger.getLogger("dev.hearth.safetensors.ort");

    public static final String OPTION_PRECISION = "onnx.precision";
    public static final String OPTION_FUSED = "onnx.fused";
    /** int4 only: weights per quantization block, 32 (default) or 128. */
    public static final String OPTION_BLOCK_SIZE = "onnx.int4.block_size";
    /** int4 only: MatMulNBits' accuracy_level, 0 (default: F32 compute) to 4 (int8 activations). */
    public static final String OPTION_ACCURACY_LEVEL = "onnx.int4.accuracy_level";
    public static final String OPTION_OPTIMIZATION = "onnx.optimization";
    public static final String OPTION_CACHE = "onnx.cache";
    public static final String OPTION_CHAT_TEMPLATE = "chat.template";

    private static final Set<String> ARCHITECTURES = Set.copyOf(HfConfig.ARCHITECTURES.values());

    private final OrtProvider provider;
    private final DeviceInfo device;
    private final String reason;
    private final Path defaultCache;
    private final OrtWrapper wrapper;

    /**
     * @param provider     the execution provider (already probed: it loads)
     * @param device       the device it computes on
     * @param reason       why this provider runs, for the log
     * @param defaultCache export cache folder when the options name none
     * @param wrapper      the bundle this engine's ONNX Runtime classes come from
     */
    public OrtBackend(OrtProvider provider, DeviceInfo device, String reason, Path defaultCache, OrtWrapper wrapper) {
        this.provider = provider;
        this.device = device;
        this.reason = reason;
        this.defaultCache = defaultCache;
        this.wrapper = wrapper;
    }

    /** The CPU backend with the default cache, for tests and tools. */
    public static OrtBackend cpu(Path cache) {
        return new OrtBackend(OrtProvider.CPU, OrtDevices.cpu(), "CPU provider", cache, OrtWrapper.CLASS_PATH);
    }

    public OrtProvider provider() { return provider; }

    @Override
    public String id() { return provider.backendId(); }

    @Override
    public DeviceInfo device() { return device; }

    @Override
    public Set<String> formats() { return Set.of(SafetensorsModelFormat.ID); }

    @Override
    public String version() {
        return "hearth-safetensors-ort (ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + ", "
                + provider.label() + ", from " + wrapper.bundle() + ")";
    }

    @Override
    public Support supports(ModelDescription model) {
        if (!SafetensorsModelFormat.ID.equals(model.format())) {
            return Support.no(id() + " runs Hugging Face SafeTensors folders; this model is " + model.format());
        }
        if (!HfModelFolder.isModelFolder(model.path())) {
            return Support.no(id() + " needs a model folder with config.json; " + model.path().getFileName()
                    + " is a bare .safetensors file");
        }
        if (!ARCHITECTURES.contains(model.architecture())) {
            return Support.no("model_type '" + model.architecture() + "' is not supported; supported: "
                    + new java.util.TreeSet<>(ARCHITECTURES));
        }
        for (ModelDescription.TensorTypeStat t : model.tensorTypes()) {
            if (!Set.of("F32", "F16", "BF16").contains(t.type())) {
                return Support.no("tensor dtype " + t.type() + " cannot be exported; supported: F32, F16, BF16");
            }
        }
        return Support.yes();
    }

    @Override
    public LoadedModel load(ModelDescription model, LoadOptions options) throws IOException {
        Support s = supports(model);
        if (!s.supported()) {
            throw new IOException(model.path().getFileName() + ": " + s.reason());
        }
        OnnxExportOptions exportOptions = exportOptions(options);
        Path cacheRoot = Optional.ofNullable(options.extra().get(OPTION_CACHE)).map(Path::of).orElse(defaultCache);
        OnnxExport export;
        HfConfig config;
        Tokenizer tokenizer;
        try (HfModelFolder folder = HfModelFolder.open(model.path())) {
            config = folder.config();
            tokenizer = folder.tokenizer();
            export = new OnnxExportCache(cacheRoot, new OnnxExporter()).getOrExport(folder, exportOptions);
        }
        LOG.info(() -> id() + ": " + model.name() + " runs on ONNX Runtime's " + provider.label() + " provider ("
                + reason + "; ONNX Runtime from " + wrapper.bundle() + "), graph " + exportOptions.label()
                + (export.fromCache() ? " from the cache " : " exported to ")
                + export.folder());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (SessionOptions so = sessionOptions(options)) {
            session = env.createSession(export.modelFile().toString(), so);
            OrtGraphInfo info = OrtGraphInfo.read(session);
            int context = options.contextLength() > 0 ? options.contextLength() : config.maxPositionEmbeddings();
            if (context > info.maxPositions()) {
                throw new IOException(model.path().getFileName() + ": context " + context
                        + " exceeds the model's " + info.maxPositions() + " positions (config.json: max_position_embeddings, "
                        + "sliding_window)");
            }
            Optional<ChatTemplate> template = ChatTemplates.select(model.chatTemplate(), text(tokenizer, tokenizer.bos()),
                    text(tokenizer, tokenizer.eos()), options.extra().get(OPTION_CHAT_TEMPLATE));
            long weightBytes = export.linkedBytes() + export.copiedBytes();
            return new OrtLoadedModel(model, id(), env, session, info, export, tokenizer, template, context, weightBytes);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            throw new IOException(export.modelFile() + ": ONNX Runtime could not load the graph: " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(session);
            throw e;
        }
    }

    OnnxExportOptions exportOptions(LoadOptions options) {
        OnnxPrecision precision = Optional.ofNullable(options.extra().get(OPTION_PRECISION)).map(OnnxPrecision::parse)
                .orElse(provider.defaultPrecision());
        boolean fused = Boolean.parseBoolean(options.extra().getOrDefault(OPTION_FUSED, "false"));
        return new OnnxExportOptions(precision, fused,
                number(options, OPTION_BLOCK_SIZE, OnnxExportOptions.DEFAULT_BLOCK_SIZE),
                number(options, OPTION_ACCURACY_LEVEL, OnnxExportOptions.DEFAULT_ACCURACY_LEVEL));
    }

    private static int number(LoadOptions options, String key, int otherwise) {
        String v = options.extra().get(key);
        try {
            return v == null ? otherwise : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number: '" + v + "'");
        }
    }

    private SessionOptions sessionOptions(LoadOptions options) throws OrtException {
        SessionOptions so = new SessionOptions();
        try {
            so.setOptimizationLevel(switch (options.extra().getOrDefault(OPTION_OPTIMIZATION, "all").toLowerCase(Locale.ROOT)) {
                case "none", "off" -> OptLevel.NO_OPT;
                case "basic" -> OptLevel.BASIC_OPT;
                case "extended" -> OptLevel.EXTENDED_OPT;
                case "all", "on" -> OptLevel.ALL_OPT;
                default -> throw new IllegalArgumentException(OPTION_OPTIMIZATION + " must be all, extended, basic or none");
            });
            if (options.threads() > 0) {
                so.setIntraOpNumThreads(options.threads());
            }
            provider.configure(so, device.index());
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    private static String text(Tokenizer t, int id) {
        return id < 0 ? "" : t.tokenText(id);
    }

    /** For reports: the cache folder used when the options name none. */
    public Path defaultCache() {
        return defaultCache;
    }

}
