package dev.hearth.gguf.format;

import dev.hearth.api.model.VerificationReport.Problem;
import dev.hearth.api.model.VerificationReport.Severity;
import static dev.hearth.gguf.format.GgufNames.key;
import static dev.hearth.gguf.format.GgufNames.layer;

import dev.hearth.api.model.ModelFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a GGUF file as far as it can and lists every problem instead of stopping at the first: the structure
 * (everything {@link GgufFile#open} checks; only problems that make the rest unreadable stop the walk), the
 * tensor types Hearth computes with, the tokenizer arrays and special-token ids, and for Llama-like
 * architectures the hyperparameter keys and the presence and shape of every tensor.
 */
public final class GgufVerifier {

    /** Architectures llama.cpp runs with the Llama graph and the same key and tensor names. */
    public static final Set<String> LLAMA_LIKE = Set.of("llama", "mistral", "qwen2", "qwen3");

    /** The most problems one verification lists. */
    public static final int MAX_PROBLEMS = 200;

    private static final long NO_OFFSET = ModelFileException.NO_OFFSET;
    private static final Pattern LAYER_TENSOR = Pattern.compile("blk\\.(\\d+)\\..*");

    private final GgufFile file;
    private final GgufMetadata md;
    private final List<Problem> problems = new ArrayList<>();

    private GgufVerifier(GgufFile file) {
        this.file = file;
        this.md = file.metadata();
    }

    /** Opens, checks and closes the file at {@code path}; an empty list means no problem was found. */
    public static List<Problem> verify(Path path) {
        List<Problem> problems = new ArrayList<>();
        try (GgufFile f = GgufFile.open(path, p -> problems.add(Problem.of(p)))) {
            problems.addAll(verify(f));
        } catch (ModelFileException e) {
            problems.add(Problem.of(e));   // structural: the rest of the file cannot be read
        } catch (IOException e) {
            problems.add(Problem.error(NO_OFFSET, "file", "cannot be read: " + e));
        }
        return capped(problems);
    }

    /** The checks beyond the structure, on a file already opened (and so structurally sound). */
    public static List<Problem> verify(GgufFile file) {
        GgufVerifier v = new GgufVerifier(file);
        v.checkTensorTypes();
        v.checkTokenizer();
        v.checkArchitecture();
        return capped(v.problems);
    }

    /** At most {@link #MAX_PROBLEMS}, then one line saying how many more there were. */
    static List<Problem> capped(List<Problem> problems) {
        if (problems.size() <= MAX_PROBLEMS) {
            return List.copyOf(problems);
        }
        List<Problem> out = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
        out.add(Problem.warning(NO_OFFSET, "verifier", (problems.size() - MAX_PROBLEMS) + " more problems not shown"));
        return List.copyOf(out);
    }

    // ---- tensor types -------------------------------------------------------------------------------------

    private void checkTensorTypes() {
        Map<GgmlType, List<GgufTensorInfo>> unsupported = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : file.tensors()) {
            if (!t.type().isSupported()) {
                unsupported.computeIfAbsent(t.type(), k -> new ArrayList<>()).add(t);
            }
        }
        unsupported.forEach((type, list) -> problems.add(new Problem(Severity.UNSUPPORTED,
                list.getFirst().infoOffset(), list.getFirst().item(), list.size() + " tensor(s) of type " + type
                + " (first shown); supported types: " + GgmlType.supportedNames())));
    }

    // ---- tokenizer ----------------------------------------------------------------------------------------

    private void checkTokenizer() {
        List<String> tokens = attempt(() -> md.optionalStringArray(GgufNames.TOKENS).orElse(null));
        if (tokens == null) {
            if (!md.contains(GgufNames.TOKENS)) {
                problems.add(Problem.error(NO_OFFSET, item(GgufNames.TOKENS),
                        "required key is missing: the file has no vocabulary"));
            }
            return;
        }
        attempt(() -> md.getString(GgufNames.TOKENIZER_MODEL));
        float[] scores = attempt(() -> md.optionalFloatArray(GgufNames.SCORES).orElse(null));
        if (scores != null && scores.length != tokens.size()) {
            sizeMismatch(GgufNames.SCORES, scores.length, tokens.size());
        }
        int[] types = attempt(() -> md.optionalIntArray(GgufNames.TOKEN_TYPE).orElse(null));
        if (types != null && types.length != tokens.size()) {
            sizeMismatch(GgufNames.TOKEN_TYPE, types.length, tokens.size());
        }
        attempt(() -> md.optionalStringArray(GgufNames.MERGES));
        for (GgufNames.SpecialTokenKey special : GgufNames.SPECIAL_TOKEN_IDS) {
            Long id = attempt(() -> md.optionalLong(special.key()).stream().boxed().findFirst().orElse(null));
            if (id != null && !isUnset(id, md.typeOf(special.key()).orElseThrow()) && (id < 0 || id >= tokens.size())) {
                problems.add(Problem.error(md.offsetOf(special.key()), item(special.key()),
                        special.role() + " token id " + id + " is outside the vocabulary of " + tokens.size()));
            }
        }
    }

    /** llama.cpp writes -1 (also as uint32 0xFFFFFFFF) for "no such token". */
    static boolean isUnset(long id, GgufValueType type) {
        return id == -1 || (type == GgufValueType.UINT32 && id == 0xFFFF_FFFFL);
    }

    private void sizeMismatch(String key, int found, int expected) {
        problems.add(Problem.error(md.offsetOf(key), item(key),
                "has " + found + " entries, but " + GgufNames.TOKENS + " has " + expected));
    }

    // ---- architecture -------------------------------------------------------------------------------------

    private void checkArchitecture() {
        String arch = attempt(() -> md.getString(GgufNames.ARCHITECTURE));
        if (arch == null) {
            return;
        }
        if (!LLAMA_LIKE.contains(arch)) {
            problems.add(Problem.warning(md.offsetOf(GgufNames.ARCHITECTURE), item(GgufNames.ARCHITECTURE),
                    "architecture '" + arch + "' is checked for structure only (fully checked: "
                            + String.join(", ", LLAMA_LIKE.stream().sorted().toList()) + ")"));
            return;
        }
        checkLlama(arch);
    }

    private void checkLlama(String arch) {
        Long nCtx = positive(arch, GgufNames.CONTEXT_LENGTH);
        Long nEmbd = positive(arch, GgufNames.EMBEDDING_LENGTH);
        Long nLayer = positive(arch, GgufNames.BLOCK_COUNT);
        Long nFf = positive(arch, GgufNames.FEED_FORWARD_LENGTH);
        Long nHead = positive(arch, GgufNames.HEAD_COUNT);
        Float eps = attempt(() -> md.getFloat(key(GgufNames.RMS_EPSILON, arch)));
        if (eps != null && !(eps > 0)) {
            keyProblem(key(GgufNames.RMS_EPSILON, arch), "epsilon " + eps + " is not positive");
        }
        Long nHeadKv = optionalPositive(arch, GgufNames.HEAD_COUNT_KV);
        optionalPositive(arch, GgufNames.ROPE_DIMENSION_COUNT);
        Float freqBase = attempt(() -> md.optionalFloat(key(GgufNames.ROPE_FREQ_BASE, arch)).orElse(null));
        if (freqBase != null && !(freqBase > 0)) {
            keyProblem(key(GgufNames.ROPE_FREQ_BASE, arch), "rope base " + freqBase + " is not positive");
        }
        if (nCtx == null || nEmbd == null || nLayer == null || nFf == null || nHead == null) {
            return;   // the shapes below cannot be derived
        }
        long kvHeads = nHeadKv == null ? nHead : nHeadKv;
        if (nHead % kvHeads != 0) {
            keyProblem(key(GgufNames.HEAD_COUNT_KV, arch), "head_count " + nHead
                    + " is not a multiple of head_count_kv " + kvHeads);
        }
        Long keyLength = optionalPositive(arch, GgufNames.KEY_LENGTH);
        Long valueLength = optionalPositive(arch, GgufNames.VALUE_LENGTH);
        if ((keyLength == null || valueLength == null) && nEmbd % nHead != 0) {
            keyProblem(key(GgufNames.EMBEDDING_LENGTH, arch), "embedding length " + nEmbd
                    + " is not a multiple of head_count " + nHead);
            return;
        }
        long headK = keyLength != null ? keyLength : nEmbd / nHead;
        long headV = valueLength != null ? valueLength : nEmbd / nHead;
        Long ropeDims = attempt(() -> md.optionalLong(key(GgufNames.ROPE_DIMENSION_COUNT, arch))
                .stream().boxed().findFirst().orElse(null));
        if (ropeDims != null && ropeDims > headK) {
            keyProblem(key(GgufNames.ROPE_DIMENSION_COUNT, arch), "rope dimension count " + ropeDims
                    + " exceeds the head size " + headK);
        }
        if (file.tensors().isEmpty()) {
            return;   // a vocabulary-only file
        }
        checkLlamaTensors(nEmbd, nLayer, nFf, nHead * headK, kvHeads * headK, kvHeads * headV, nHead * headV);
    }

    private void checkLlamaTensors(long nEmbd, long nLayer, long nFf, long qDim, long kDim, long vDim, long oDim) {
        long nVocab = vocabSize();
        if (nLayer > file.tensors().size()) {   // each layer has several tensors: do not list millions missing
            problems.add(Problem.error(md.offsetOf(key(GgufNames.BLOCK_COUNT, arch())), item(key(
                    GgufNames.BLOCK_COUNT, arch())), "block count " + nLayer + " exceeds the number of tensors ("
                    + file.tensors().size() + ")"));
            return;
        }
        expectShape(GgufNames.TOKEN_EMBD, true, nEmbd, nVocab);
        expectShape(GgufNames.OUTPUT_NORM, true, nEmbd);
        expectShape(GgufNames.OUTPUT, false, nEmbd, nVocab);   // absent: tied to token_embd
        for (int i = 0; i < nLayer; i++) {
            expectShape(layer(GgufNames.ATTN_NORM, i), true, nEmbd);
            expectShape(layer(GgufNames.ATTN_Q, i), true, nEmbd, qDim);
            expectShape(layer(GgufNames.ATTN_K, i), true, nEmbd, kDim);
            expectShape(layer(GgufNames.ATTN_V, i), true, nEmbd, vDim);
            expectShape(layer(GgufNames.ATTN_OUTPUT, i), true, oDim, nEmbd);
            expectShape(layer(GgufNames.FFN_NORM, i), true, nEmbd);
            if (isMoe()) {
                continue;   // expert tensors are not checked here
            }
            expectShape(layer(GgufNames.FFN_GATE, i), true, nEmbd, nFf);
            expectShape(layer(GgufNames.FFN_UP, i), true, nEmbd, nFf);
            expectShape(layer(GgufNames.FFN_DOWN, i), true, nFf, nEmbd);
        }
        for (GgufTensorInfo t : file.tensors()) {
            Matcher m = LAYER_TENSOR.matcher(t.name());
            if (m.matches() && (m.group(1).length() > 9 || Long.parseLong(m.group(1)) >= nLayer)) {
                problems.add(Problem.warning(t.infoOffset(), t.item(),
                        "layer " + m.group(1) + " is beyond block_count " + nLayer));
            }
        }
    }

    private String arch() {
        return md.value(GgufNames.ARCHITECTURE).orElse("") instanceof String s ? s : "";
    }

    private boolean isMoe() {
        String arch = arch();
        Long experts = arch == null ? null : attempt(() -> md.optionalLong(key(GgufNames.EXPERT_COUNT, arch))
                .stream().boxed().findFirst().orElse(null));
        return experts != null && experts > 0;
    }

    /** The vocabulary size: the token list's length, else the embedding's row count, else -1. */
    private long vocabSize() {
        List<String> tokens = attempt(() -> md.optionalStringArray(GgufNames.TOKENS).orElse(null));
        if (tokens != null) {
            return tokens.size();
        }
        return file.tensor(GgufNames.TOKEN_EMBD).filter(t -> t.shape().rank() == 2)
                .map(t -> t.shape().dim(1)).orElse(-1L);
    }

    /** Checks presence and shape; an expected dimension of -1 matches any size. */
    private void expectShape(String name, boolean required, long... dims) {
        var t = file.tensor(name);
        StringBuilder expected = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            expected.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
        }
        expected.append(']');
        if (t.isEmpty()) {
            if (required) {
                problems.add(Problem.error(NO_OFFSET, GgufTensorInfo.item(name),
                        "required tensor is missing (expected shape " + expected + ")"));
            }
            return;
        }
        Shape shape = t.get().shape();
        boolean matches = shape.rank() == dims.length;
        for (int i = 0; matches && i < dims.length; i++) {
            matches = dims[i] < 0 || shape.dim(i) == dims[i];
        }
        if (!matches) {
            problems.add(Problem.error(t.get().infoOffset(), t.get().item(),
                    "shape " + shape + " differs from the expected " + expected));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Lookup<T> {
        T get() throws GgufException;
    }

    /** Runs a metadata lookup; a type or range problem is recorded and gives null. */
    private <T> T attempt(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (GgufException e) {
            problems.add(Problem.of(e));
            return null;
        }
    }

    private Long positive(String arch, String pattern) {
        String k = key(pattern, arch);
        Long v = attempt(() -> md.getLong(k));
        if (v != null && v <= 0) {
            keyProblem(k, "value " + v + " is not positive");
            return null;
        }
        return v;
    }

    private Long optionalPositive(String arch, String pattern) {
        return md.contains(key(pattern, arch)) ? positive(arch, pattern) : null;
    }

    private void keyProblem(String key, String message) {
        problems.add(Problem.error(md.offsetOf(key), item(key), message));
    }

    private static String item(String key) {
        return "key '" + key + "'";
    }
}
