package dev.hearth.gguf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.gguf.format.GgmlType;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufSummary;
import dev.hearth.gguf.format.GgufVerifier;
import dev.hearth.gguf.tokenizer.GgufVocabularies;
import dev.hearth.tokenizer.Tokenizers;

/** The GGUF model format: probe by magic, verify, describe, summarise, and read the tokenizer. */
public final class GgufModelFormat implements ModelFormat {

    public static final String ID = "gguf";

    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean probe(Path path) {
        if (!Files.isRegularFile(path)) return false;
        try (InputStream in = Files.newInputStream(path)) {
            return java.util.Arrays.equals(in.readNBytes(4), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public VerificationReport verify(Path path) {
        return new VerificationReport(path, ID, GgufVerifier.verify(path));
    }

    @Override
    public ModelDescription describe(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            return describe(GgufSummary.of(file));
        }
    }

    /** Property: RoPE base and scaling as {@code hearth info} shows them, e.g. naming {@code rope_freqs.weight}. */
    public static final String PROP_ROPE = "gguf.rope";

    static ModelDescription describe(GgufSummary s) {
        List<ModelDescription.TensorTypeStat> types = new ArrayList<>();
        GgmlType dominant = null;
        long most = -1;
        for (var e : s.quantization().entrySet()) {
            types.add(new ModelDescription.TensorTypeStat(e.getKey().name(), e.getValue().tensors(), e.getValue().bytes()));
            if (e.getValue().bytes() > most) {
                most = e.getValue().bytes();
                dominant = e.getKey();
            }
        }
        String quantization = s.fileType() != null ? s.fileType() : dominant == null ? "none" : dominant.name();
        Map<String, String> specials = new LinkedHashMap<>();
        for (GgufSummary.SpecialToken t : s.specialTokens()) {
            specials.put(t.role(), t.text() == null ? "#" + t.id() : t.text());
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("gguf.version", Integer.toString(s.version()));
        props.put("file.size", Long.toString(s.fileSize()));
        if (s.rope() != null) props.put(PROP_ROPE, s.rope());
        String name = s.name() != null ? s.name() : s.file().getFileName().toString();
        if (name.toLowerCase(java.util.Locale.ROOT).contains("random weights")) {
            props.put(ModelDescription.PROP_RANDOM_WEIGHTS, "true");
        }
        return new ModelDescription(s.file(), ID, s.architecture() == null ? "unknown" : s.architecture(), name,
                s.parameterCount(), quantization, types, (int) Math.max(0, Math.min(Integer.MAX_VALUE, s.contextLength())),
                new ModelDescription.TokenizerInfo(s.tokenizerModel() == null ? "none" : s.tokenizerModel(),
                        s.tokenizerPre() == null ? "" : s.tokenizerPre(), s.vocabSize(), specials),
                s.chatTemplate(), props);
    }

    @Override
    public String info(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            return GgufSummary.of(file).toText(true);
        }
    }

    @Override
    public Tokenizer tokenizer(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            return Tokenizers.create(GgufVocabularies.fromFile(file));
        }
    }
}
