package dev.hearth.gguf.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code hearth info} prints about a GGUF file. Built by {@link #of(GgufFile)}, which never throws:
 * a value that is missing or of the wrong type is reported as absent ({@code null}, -1 or empty).
 *
 * @param file           the file
 * @param fileSize       bytes
 * @param version        GGUF version
 * @param tensorCount    number of tensors
 * @param metadataCount  number of key-value pairs
 * @param alignment      alignment of the data section
 * @param architecture   {@code general.architecture}, or null
 * @param name           {@code general.name}, or null
 * @param parameterCount the sum of all tensors' element counts
 * @param quantization   per tensor type, in id order: tensor count, elements and bytes
 * @param fileTypeId     {@code general.file_type}, or -1
 * @param fileType       its label ({@code Q4_K_M}), or null
 * @param contextLength  {@code {arch}.context_length}, or -1
 * @param rope           RoPE base and scaling ({@code {arch}.rope.*}, {@code rope_freqs.weight}), or null without an
 *                       architecture
 * @param tokenizerModel {@code tokenizer.ggml.model}, or null
 * @param tokenizerPre   {@code tokenizer.ggml.pre}, or null
 * @param vocabSize      length of {@code tokenizer.ggml.tokens}, or 0
 * @param specialTokens  the special-token ids the file sets, with their text
 * @param chatTemplate   {@code tokenizer.chat_template}, if present
 */
public record GgufSummary(Path file, long fileSize, int version, long tensorCount, int metadataCount, int alignment,
                          String architecture, String name, long parameterCount,
                          Map<GgmlType, TypeUsage> quantization, long fileTypeId, String fileType,
                          long contextLength, String rope, String tokenizerModel, String tokenizerPre, int vocabSize,
                          List<SpecialToken> specialTokens, Optional<String> chatTemplate) {

    /** How much of a file one tensor type takes. */
    public record TypeUsage(int tensors, long elements, long bytes) {}

    /** A special token: its role ({@code bos}), id and text (null when the id is outside the vocabulary). */
    public record SpecialToken(String role, long id, String text) {}

    public GgufSummary {
        quantization = Collections.unmodifiableMap(new EnumMap<>(quantization));
        specialTokens = List.copyOf(specialTokens);
    }

    public static GgufSummary of(GgufFile f) {
        GgufMetadata md = f.metadata();
        Map<GgmlType, TypeUsage> quant = new EnumMap<>(GgmlType.class);
        long params = 0;
        for (GgufTensorInfo t : f.tensors()) {
            params += t.elementCount();
            quant.merge(t.type(), new TypeUsage(1, t.elementCount(), t.byteSize()), (a, b) ->
                    new TypeUsage(a.tensors() + b.tensors(), a.elements() + b.elements(), a.bytes() + b.bytes()));
        }
        String arch = string(md, GgufNames.ARCHITECTURE);
        long fileTypeId = number(md, GgufNames.FILE_TYPE);
        List<String> tokens = tokens(md);
        List<SpecialToken> specials = new ArrayList<>();
        for (GgufNames.SpecialTokenKey k : GgufNames.SPECIAL_TOKEN_IDS) {
            long id = number(md, k.key());
            if (md.contains(k.key()) && id != -1 && !GgufVerifier.isUnset(id, md.typeOf(k.key()).orElseThrow())) {
                specials.add(new SpecialToken(k.role(), id, id >= 0 && id < tokens.size() ? tokens.get((int) id) : null));
            }
        }
        return new GgufSummary(f.path(), f.fileSize(), f.header().version(), f.header().tensorCount(), md.size(),
                f.alignment(), arch, string(md, GgufNames.NAME), params, quant, fileTypeId,
                fileTypeId < 0 ? null : GgufFileType.label(fileTypeId),
                arch == null ? -1 : number(md, GgufNames.key(GgufNames.CONTEXT_LENGTH, arch)),
                arch == null ? null : rope(f, arch),
                string(md, GgufNames.TOKENIZER_MODEL), string(md, GgufNames.TOKENIZER_PRE), tokens.size(),
                specials, Optional.ofNullable(string(md, GgufNames.CHAT_TEMPLATE)));
    }

    /** {@code freq_base 500000, rope_freqs.weight (32 factors)}; a linear scaling as {@code linear x4}. */
    private static String rope(GgufFile f, String arch) {
        GgufMetadata md = f.metadata();
        StringBuilder sb = new StringBuilder("freq_base ");
        try {
            sb.append(md.optionalFloat(GgufNames.key(GgufNames.ROPE_FREQ_BASE, arch)).map(String::valueOf)
                    .orElse("(not set)"));
            String type = string(md, GgufNames.key(GgufNames.ROPE_SCALING_TYPE, arch));
            if (type != null && !type.equals("none")) {
                sb.append(", ").append(type).append(md.optionalFloat(GgufNames.key(GgufNames.ROPE_SCALING_FACTOR, arch))
                        .map(x -> " x" + x).orElse(""));
            }
        } catch (GgufException e) {
            sb.append(" (unreadable: ").append(e.getMessage()).append(')');
        }
        f.tensor(GgufNames.ROPE_FREQS).ifPresent(t -> sb.append(", ").append(GgufNames.ROPE_FREQS).append(" (")
                .append(t.elementCount()).append(" frequency factors)"));
        return sb.toString();
    }

    private static String string(GgufMetadata md, String key) {
        return md.value(key).orElse(null) instanceof String s ? s : null;
    }

    /** An integer value, or -1 when absent, not an integer or out of range. */
    private static long number(GgufMetadata md, String key) {
        try {
            return md.optionalLong(key).orElse(-1);
        } catch (GgufException e) {
            return -1;
        }
    }

    private static List<String> tokens(GgufMetadata md) {
        try {
            return md.optionalStringArray(GgufNames.TOKENS).orElse(List.of());
        } catch (GgufException e) {
            return List.of();
        }
    }

    /** The summary as aligned text lines, the chat template's presence but not its text. */
    public String toText() {
        return toText(false);
    }

    /** The summary as aligned text lines, with the chat template's text if {@code withTemplate}. */
    public String toText(boolean withTemplate) {
        StringBuilder sb = new StringBuilder();
        line(sb, "file", file.getFileName() + " (" + bytes(fileSize) + ", GGUF v" + version + ", " + tensorCount
                + " tensors, " + metadataCount + " keys, alignment " + alignment + ")");
        line(sb, "architecture", orNone(architecture));
        line(sb, "name", orNone(name));
        line(sb, "parameters", String.format(Locale.ROOT, "%s (%,d)", count(parameterCount), parameterCount));
        line(sb, "file type", fileType == null ? "(not set)" : fileType + " (general.file_type " + fileTypeId + ")");
        boolean first = true;
        for (var e : quantization.entrySet()) {
            TypeUsage u = e.getValue();
            line(sb, first ? "tensor types" : "", String.format(Locale.ROOT, "%-8s %5d tensors %12s%s", e.getKey(), u.tensors(),
                    bytes(u.bytes()), e.getKey().isSupported() ? "" : "  (not supported)"));
            first = false;
        }
        line(sb, "context", contextLength < 0 ? "(not set)" : Long.toString(contextLength));
        if (rope != null) line(sb, "rope", rope);
        line(sb, "tokenizer", orNone(tokenizerModel) + (tokenizerPre == null ? "" : " (pre: " + tokenizerPre + ")")
                + ", " + vocabSize + " tokens");
        StringBuilder sp = new StringBuilder();
        for (SpecialToken t : specialTokens) {
            sp.append(sp.isEmpty() ? "" : ", ").append(t.role()).append(' ').append(t.id())
                    .append(t.text() == null ? " (outside the vocabulary)" : " '" + t.text() + "'");
        }
        line(sb, "special tokens", sp.isEmpty() ? "(none)" : sp.toString());
        line(sb, "chat template", chatTemplate.map(t -> "yes (" + t.length() + " chars)").orElse("no"));
        if (withTemplate && chatTemplate.isPresent()) {
            sb.append(chatTemplate.get()).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-15s %s%n", label, value));
    }

    private static String orNone(String s) {
        return s == null ? "(not set)" : s;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        return n >= 1000 ? String.format(Locale.ROOT, "%.1f K", n / 1e3) : Long.toString(n);
    }
}
