package dev.hearth.safetensors.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelDescription.TensorTypeStat;
import dev.hearth.api.model.ModelDescription.TokenizerInfo;
import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.model.VerificationReport.Problem;
import dev.hearth.api.model.VerificationReport.Severity;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.tokenizer.hf.HfTokenizerConfig;
import dev.hearth.tokenizer.hf.HfTokenizerJson;
import dev.hearth.tokenizer.hf.HfTokenizers;

/**
 * The {@code safetensors} model format: a single {@code .safetensors} file, or a Hugging Face model folder
 * ({@code config.json} with {@code model.safetensors} or {@code model.safetensors.index.json}). Plain logic, no
 * OSGi: the DS component in {@code component} registers it.
 */
public final class SafetensorsModelFormat implements ModelFormat {
    public static final String ID = "safetensors";

    @Override
    public String id() { return ID; }

    @Override
    public boolean probe(Path path) {
        try {
            if (Files.isDirectory(path)) {
                return HfModelFolder.isModelFolder(path);
            }
            if (!path.getFileName().toString().endsWith(".safetensors") || !Files.isRegularFile(path)) {
                return false;
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // read the header length and the JSON's first byte
                }
                if (b.hasRemaining()) {
                    return false;
                }
                // the format's only signature is the JSON after the length field; a wrong length is for
                // verify() to name (header_length), not a reason to disown the file
                return b.get(8) == '{';
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public VerificationReport verify(Path path) throws IOException {
        List<Problem> problems = new ArrayList<>();
        if (!Files.isDirectory(path)) {
            verifyFile(path, path.getFileName().toString(), problems);
            return new VerificationReport(path, ID, problems);
        }
        // 1. the JSON files
        HfConfig config = null;
        try {
            config = HfConfig.read(path.resolve(HfConfig.FILE_NAME));
        } catch (ModelFileException e) {
            problems.add(problem(e));
        }
        try {
            HfModelFolder.readGenerationConfig(path);
        } catch (ModelFileException e) {
            problems.add(problem(e));
        }
        // 2. every header, each on its own
        List<Path> files = new ArrayList<>();
        Path index = path.resolve(SafetensorsIndex.FILE_NAME);
        if (Files.isRegularFile(index)) {
            try {
                SafetensorsIndex.read(index).shards().forEach(s -> files.add(path.resolve(s)));
            } catch (ModelFileException e) {
                problems.add(problem(e));
            }
        } else {
            files.add(path.resolve(SafetensorsCheckpoint.SINGLE_FILE));
        }
        int before = problems.size();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                problems.add(new Problem(Severity.ERROR, -1, f.getFileName().toString(), "file not found"));
            } else {
                verifyFile(f, f.getFileName().toString(), problems);
            }
        }
        // 3. tensors against the config, when both are readable
        if (config != null && problems.size() == before) {
            try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(path)) {
                for (Problem p : HfConsistency.check(config, ckpt, true)) {
                    String file = p.offset() >= 0 ? fileOfItem(ckpt, p) : HfConfig.FILE_NAME;
                    problems.add(new Problem(p.severity(), p.offset(), file + ": " + p.item(), p.message()));
                }
            } catch (ModelFileException e) {
                problems.add(problem(e));
            }
        }
        // 4. the tokenizer
        if (HfTokenizers.present(path)) {
            try {
                HfTokenizers.load(path);
            } catch (ModelFileException e) {
                problems.add(problem(e));
            }
        }
        return new VerificationReport(path, ID, problems);
    }

    private static String fileOfItem(SafetensorsCheckpoint ckpt, Problem p) {
        String tensor = p.item().substring(p.item().indexOf('\'') + 1, p.item().lastIndexOf('\''));
        return ckpt.fileOf(tensor).map(f -> f.file().getFileName().toString()).orElse("?");
    }

    private static void verifyFile(Path file, String label, List<Problem> problems) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (Problem p : SafetensorsHeader.verify(ch, file)) {
                problems.add(new Problem(p.severity(), p.offset(), label + ": " + p.item(), p.message()));
            }
        }
    }

    private static Problem problem(ModelFileException e) {
        Problem p = Problem.of(e);
        String file = e.file() == null ? "" : e.file().getFileName() + (p.item() == null || p.item().isEmpty() ? "" : ": ");
        return new Problem(p.severity(), p.offset(), file + (p.item() == null ? "" : p.item()), p.message());
    }

    @Override
    public ModelDescription describe(Path path) throws IOException {
        boolean folder = Files.isDirectory(path);
        Optional<HfConfig> config = folder ? Optional.of(HfConfig.read(path.resolve(HfConfig.FILE_NAME)))
                : Optional.empty();
        Path tokenizerFolder = folder ? path : path.toAbsolutePath().getParent();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(path)) {
            // 1. parameters and the dtype mix, largest share first
            long params = 0;
            Map<String, long[]> stats = new LinkedHashMap<>();
            for (SafetensorsEntry e : ckpt.entries()) {
                params += e.elementCount();
                long[] s = stats.computeIfAbsent(e.dtype().name(), k -> new long[2]);
                s[0]++;
                s[1] += e.byteSize();
            }
            List<TensorTypeStat> types = stats.entrySet().stream()
                    .sorted(Comparator.comparingLong((Map.Entry<String, long[]> x) -> x.getValue()[1]).reversed())
                    .map(x -> new TensorTypeStat(x.getKey(), (int) x.getValue()[0], x.getValue()[1])).toList();
            String quantization = String.join("+", types.stream().map(TensorTypeStat::type).toList());
            // 2. tokenizer and chat template
            TokenizerInfo tokInfo = new TokenizerInfo("none", "", 0, Map.of());
            Optional<String> template = Optional.empty();
            if (tokenizerFolder != null && HfTokenizers.present(tokenizerFolder)) {
                Tokenizer t = HfTokenizers.load(tokenizerFolder);
                Map<String, String> special = new LinkedHashMap<>();
                if (t.bos() >= 0) {
                    special.put("bos", t.tokenText(t.bos()));
                }
                if (t.eos() >= 0) {
                    special.put("eos", t.tokenText(t.eos()));
                }
                String pre = t instanceof HfTokenizerJson j ? j.preTokenizer() : "";
                tokInfo = new TokenizerInfo(t.kind(), pre, t.vocabSize(), special);
                template = HfModelFolder.readTokenizerConfig(tokenizerFolder).flatMap(HfTokenizerConfig::chatTemplate);
            }
            // 3. properties
            Map<String, String> props = new LinkedHashMap<>();
            config.ifPresent(c -> {
                props.put("hf.architecture", c.architecture());
                props.put("hidden_size", String.valueOf(c.hiddenSize()));
                props.put("intermediate_size", String.valueOf(c.intermediateSize()));
                props.put("num_hidden_layers", String.valueOf(c.numHiddenLayers()));
                props.put("num_attention_heads", String.valueOf(c.numAttentionHeads()));
                props.put("num_key_value_heads", String.valueOf(c.numKeyValueHeads()));
                props.put("head_dim", String.valueOf(c.headDim()));
                props.put("rope_theta", String.valueOf(c.ropeTheta()));
                c.ropeScaling().ifPresent(r -> props.put("rope_scaling", r.type() + " x" + r.factor()));
                props.put("rms_norm_eps", String.valueOf(c.rmsNormEps()));
                props.put("tie_word_embeddings", String.valueOf(c.tieWordEmbeddings()));
                if (!c.torchDtype().isEmpty()) {
                    props.put("torch_dtype", c.torchDtype());
                }
            });
            props.put("files", String.valueOf(ckpt.files().size()));
            ckpt.files().getFirst().metadata().forEach((k, v) -> {
                if (!ckpt.aliases().containsKey(k)) {
                    props.put("metadata." + k, v);
                }
            });
            ckpt.aliases().forEach((k, v) -> props.put("alias." + k, v));
            String name = declaredName(path).orElse(path.toAbsolutePath().normalize().getFileName().toString());
            if (name.toLowerCase(java.util.Locale.ROOT).contains("random weights")) {
                props.put(ModelDescription.PROP_RANDOM_WEIGHTS, "true");
            }
            return new ModelDescription(path, ID, config.map(HfConfig::modelType).orElse("unknown"), name, params,
                    quantization, types, config.map(HfConfig::maxPositionEmbeddings).orElse(0), tokInfo, template,
                    props);
        }
    }

    /** {@code _name_or_path} of a folder's config.json, the name synthetic models carry ("... (random weights)"). */
    private static java.util.Optional<String> declaredName(Path path) {
        Path config = java.nio.file.Files.isDirectory(path) ? path.resolve(HfConfig.FILE_NAME) : null;
        if (config == null || !java.nio.file.Files.isRegularFile(config)) return java.util.Optional.empty();
        try (var reader = java.nio.file.Files.newBufferedReader(config)) {
            var e = com.google.gson.JsonParser.parseReader(reader).getAsJsonObject().get("_name_or_path");
            return e != null && e.isJsonPrimitive() && !e.getAsString().isBlank()
                    ? java.util.Optional.of(e.getAsString()) : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty(); // the name is cosmetic; config.json itself is checked elsewhere
        }
    }

    @Override
    public String info(Path path) throws IOException {
        ModelDescription d = describe(path);
        StringBuilder sb = new StringBuilder();
        sb.append("format:        ").append(d.format()).append('\n');
        sb.append("path:          ").append(d.path()).append('\n');
        sb.append("name:          ").append(d.name()).append('\n');
        sb.append("architecture:  ").append(d.architecture()).append('\n');
        sb.append("parameters:    ").append(d.parameterCount()).append('\n');
        sb.append("dtypes:        ").append(d.quantization()).append('\n');
        for (TensorTypeStat s : d.tensorTypes()) {
            sb.append("  ").append(s.type()).append(": ").append(s.tensorCount()).append(" tensors, ")
                    .append(s.bytes()).append(" bytes\n");
        }
        sb.append("context:       ").append(d.contextLength()).append('\n');
        sb.append("tokenizer:     ").append(d.tokenizer().kind()).append(", ").append(d.tokenizer().vocabSize())
                .append(" tokens").append(d.tokenizer().preTokenizer().isEmpty() ? "" : ", " + d.tokenizer().preTokenizer())
                .append(' ').append(d.tokenizer().specialTokens()).append('\n');
        sb.append("chat template: ").append(d.chatTemplate().isPresent() ? "yes" : "no").append('\n');
        d.properties().forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    @Override
    public Tokenizer tokenizer(Path path) throws IOException {
        Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        return HfTokenizers.load(folder);
    }
}
