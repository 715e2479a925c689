package dev.hearth.tokenizer.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.model.UnsupportedModelException;
import dev.hearth.tokenizer.Vocabulary;

/**
 * A SentencePiece {@code tokenizer.model}: a serialized {@code ModelProto} protobuf message. The fields read
 * (numbers from SentencePiece's {@code sentencepiece_model.proto}; all others are skipped):
 * <pre>
 * ModelProto
 *   1  repeated SentencePiece pieces
 *        1 string piece     2 float score     3 enum type (1 NORMAL, 2 UNKNOWN, 3 CONTROL,
 *                                                          4 USER_DEFINED, 5 UNUSED, 6 BYTE; default 1)
 *   2  TrainerSpec trainer_spec
 *        3 enum model_type (1 UNIGRAM, 2 BPE, 3 WORD, 4 CHAR; default 1)   4 int32 vocab_size
 *        35 bool byte_fallback   40 int32 unk_id (0)   41 int32 bos_id (1)   42 int32 eos_id (2)   43 int32 pad_id (-1)
 *   3  NormalizerSpec normalizer_spec
 *        1 string name   3 bool add_dummy_prefix (true)   4 bool remove_extra_whitespaces (true)
 *        5 bool escape_whitespaces (true)
 * </pre>
 * The piece types use the same numbers as llama.cpp's token types, so they go into a {@link Vocabulary} as they are.
 *
 * @param file                  the file read
 * @param pieces                piece text by id (U+2581 for spaces, {@code <0xNN>} byte pieces)
 * @param scores                score by id
 * @param types                 piece type by id
 * @param modelType             trainer_spec.model_type
 * @param byteFallback          trainer_spec.byte_fallback
 * @param unkId                 trainer_spec.unk_id
 * @param bosId                 trainer_spec.bos_id (-1 when disabled)
 * @param eosId                 trainer_spec.eos_id (-1 when disabled)
 * @param padId                 trainer_spec.pad_id
 * @param normalizerName        normalizer_spec.name, e.g. {@code identity} or {@code nmt_nfkc}
 * @param addDummyPrefix        normalizer_spec.add_dummy_prefix
 * @param removeExtraWhitespaces normalizer_spec.remove_extra_whitespaces
 */
public record SentencePieceModelFile(Path file, List<String> pieces, float[] scores, int[] types, int modelType,
        boolean byteFallback, int unkId, int bosId, int eosId, int padId, String normalizerName,
        boolean addDummyPrefix, boolean removeExtraWhitespaces) {

    public static final int MODEL_UNIGRAM = 1;
    public static final int MODEL_BPE = 2;

    /** Largest file accepted; Llama 2's is 500 KB, the largest known vocabularies a few MB. */
    private static final long MAX_SIZE = 64L << 20;

    public SentencePieceModelFile {
        pieces = List.copyOf(pieces);
    }

    public int size() { return pieces.size(); }

    /** A copy of the scores. */
    @Override
    public float[] scores() { return scores.clone(); }

    /** A copy of the piece types. */
    @Override
    public int[] types() { return types.clone(); }

    /**
     * Reads and checks a {@code tokenizer.model}.
     *
     * @throws ModelFileException naming the file, offset and field when the protobuf is malformed or the ids are
     *                            outside the pieces
     */
    public static SentencePieceModelFile read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_SIZE) {
            throw new ModelFileException(file, 0, "", "file of " + size + " bytes exceeds the limit of " + MAX_SIZE);
        }
        byte[] buf = Files.readAllBytes(file);
        ProtoReader model = new ProtoReader(file, buf, 0, buf.length, "");
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        // defaults from sentencepiece_model.proto
        int modelType = MODEL_UNIGRAM;
        boolean byteFallback = false;
        int unk = 0;
        int bos = 1;
        int eos = 2;
        int pad = -1;
        String normalizer = "";
        boolean dummyPrefix = true;
        boolean removeSpaces = true;
        while (model.hasMore()) {
            long key = model.key();
            switch ((int) (key >>> 3)) {
                case 1 -> { // repeated SentencePiece pieces
                    model.expect(key, ProtoReader.LEN, "pieces");
                    ProtoReader piece = model.message("pieces[" + pieces.size() + "]");
                    String text = null;
                    float score = 0;
                    int type = 1;
                    while (piece.hasMore()) {
                        long k = piece.key();
                        switch ((int) (k >>> 3)) {
                            case 1 -> { piece.expect(k, ProtoReader.LEN, "piece"); text = piece.string("piece"); }
                            case 2 -> { piece.expect(k, ProtoReader.FIXED32, "score"); score = piece.fixed32Float("score"); }
                            case 3 -> type = (int) piece.varintField(k, "type");
                            default -> piece.skip(k);
                        }
                    }
                    if (text == null) {
                        throw piece.error("piece", "missing");
                    }
                    if (type < 1 || type > 6) {
                        throw piece.error("type", "unknown piece type " + type + " (known: 1..6)");
                    }
                    pieces.add(text);
                    scores.add(score);
                    types.add(type);
                }
                case 2 -> { // TrainerSpec trainer_spec
                    model.expect(key, ProtoReader.LEN, "trainer_spec");
                    ProtoReader spec = model.message("trainer_spec");
                    while (spec.hasMore()) {
                        long k = spec.key();
                        switch ((int) (k >>> 3)) {
                            case 3 -> modelType = (int) spec.varintField(k, "model_type");
                            case 35 -> byteFallback = spec.varintField(k, "byte_fallback") != 0;
                            case 40 -> unk = (int) spec.varintField(k, "unk_id");
                            case 41 -> bos = (int) spec.varintField(k, "bos_id");
                            case 42 -> eos = (int) spec.varintField(k, "eos_id");
                            case 43 -> pad = (int) spec.varintField(k, "pad_id");
                            default -> spec.skip(k);
                        }
                    }
                }
                case 3 -> { // NormalizerSpec normalizer_spec
                    model.expect(key, ProtoReader.LEN, "normalizer_spec");
                    ProtoReader spec = model.message("normalizer_spec");
                    while (spec.hasMore()) {
                        long k = spec.key();
                        switch ((int) (k >>> 3)) {
                            case 1 -> { spec.expect(k, ProtoReader.LEN, "name"); normalizer = spec.string("name"); }
                            case 3 -> dummyPrefix = spec.varintField(k, "add_dummy_prefix") != 0;
                            case 4 -> removeSpaces = spec.varintField(k, "remove_extra_whitespaces") != 0;
                            default -> spec.skip(k);
                        }
                    }
                }
                default -> model.skip(key);
            }
        }
        // validate the ids against the pieces
        int n = pieces.size();
        if (n == 0) {
            throw new ModelFileException(file, ModelFileException.NO_OFFSET, "pieces", "no pieces");
        }
        String[] idNames = {"trainer_spec.unk_id", "trainer_spec.bos_id", "trainer_spec.eos_id", "trainer_spec.pad_id"};
        int[] ids = {unk, bos, eos, pad};
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < -1 || ids[i] >= n) {
                throw new ModelFileException(file, ModelFileException.NO_OFFSET, idNames[i],
                        ids[i] + " is outside the " + n + " pieces");
            }
        }
        float[] s = new float[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = scores.get(i);
            t[i] = types.get(i);
        }
        return new SentencePieceModelFile(file, pieces, s, t, modelType, byteFallback, unk, bos, eos, pad, normalizer,
                dummyPrefix, removeSpaces);
    }

    /**
     * The vocabulary for {@link dev.hearth.tokenizer.SentencePieceTokenizer} (kind {@code llama}).
     *
     * @param addBos as {@code tokenizer_config.json}'s {@code add_bos_token} (true for Llama)
     * @param addEos as its {@code add_eos_token}
     * @throws UnsupportedModelException for a Unigram or word/char model: only BPE models (Llama, Mistral)
     *                                   encode like llama.cpp's SentencePiece tokenizer
     */
    public Vocabulary toVocabulary(boolean addBos, boolean addEos) throws UnsupportedModelException {
        if (modelType != MODEL_BPE) {
            throw new UnsupportedModelException(file, ModelFileException.NO_OFFSET, "trainer_spec.model_type",
                    "model type " + modelType + " is not supported (supported: 2 = BPE)");
        }
        return Vocabulary.builder(Vocabulary.KIND_LLAMA, pieces)
                .scores(scores.clone())
                .tokenTypes(types.clone())
                .unk(unkId).bos(bosId).eos(eosId).pad(padId)
                .addBos(addBos && bosId >= 0).addEos(addEos && eosId >= 0)
                .addSpacePrefix(addDummyPrefix)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SentencePieceModelFile m && file.equals(m.file) && pieces.equals(m.pieces)
                && java.util.Arrays.equals(scores, m.scores) && java.util.Arrays.equals(types, m.types)
                && modelType == m.modelType && byteFallback == m.byteFallback && unkId == m.unkId
                && bosId == m.bosId && eosId == m.eosId && padId == m.padId && normalizerName.equals(m.normalizerName)
                && addDummyPrefix == m.addDummyPrefix && removeExtraWhitespaces == m.removeExtraWhitespaces;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(file, pieces, java.util.Arrays.hashCode(scores), java.util.Arrays.hashCode(types),
                modelType, bosId, eosId);
    }

    @Override
    public String toString() {
        return "SentencePieceModelFile[" + file.getFileName() + ", " + pieces.size() + " pieces, model_type="
                + modelType + ", byte_fallback=" + byteFallback + ", add_dummy_prefix=" + addDummyPrefix + "]";
    }
}
