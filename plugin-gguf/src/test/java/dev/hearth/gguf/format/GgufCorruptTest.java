package dev.hearth.gguf.format;

import dev.hearth.api.model.VerificationReport.Problem;
import dev.hearth.api.model.VerificationReport.Severity;
import static dev.hearth.gguf.format.GgufTestWriter.putU32;
import static dev.hearth.gguf.format.GgufTestWriter.putU64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.api.model.ModelFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The catalogue of corrupt files: each case mutates the valid {@link #fixture()} and names what must be reported. */
class GgufCorruptTest {

    private static final Class<GgufException> CORRUPT = GgufException.class;
    private static final Class<GgufUnsupportedException> UNSUPPORTED = GgufUnsupportedException.class;

    /** A valid file with the items the cases below break. */
    static GgufTestWriter fixture() {
        return new GgufTestWriter()
                .string(GgufNames.ARCHITECTURE, "test")
                .string(GgufNames.NAME, "corrupt-fixture")
                .u32("test.key_a", 1)
                .u32("test.key_b", 2)
                .alignment(32)
                .array(GgufNames.TOKENS, GgufArray.ofStrings("a", "b", "c"))
                .tensor("t.a", GgmlType.F32, 8, 2)
                .tensor("t.b", GgmlType.Q8_0, 64, 2)
                .tensor("t.c", GgmlType.F16, 16);
    }

    enum CorruptGguf {
        WRONG_MAGIC(CORRUPT, "magic", "not a GGUF file", (b, w) -> put32(b, 0, 0x58554747)),
        EMPTY_FILE(CORRUPT, "magic", "empty", (b, w) -> new byte[0]),
        VERSION_0(CORRUPT, "version", "version 0", (b, w) -> put32(b, w.mark("version"), 0)),
        VERSION_1(UNSUPPORTED, "version", "version 1 is not supported", (b, w) -> put32(b, w.mark("version"), 1)),
        VERSION_99(UNSUPPORTED, "version", "version 99", (b, w) -> put32(b, w.mark("version"), 99)),
        BIG_ENDIAN(UNSUPPORTED, "version", "big-endian", (b, w) -> put32(b, w.mark("version"), 0x0300_0000)),
        TRUNCATED_HEADER(CORRUPT, "tensor_count", "truncated", (b, w) -> Arrays.copyOf(b, 12)),
        TRUNCATED_IN_STRING(CORRUPT, "key 'tokenizer.ggml.tokens'", "truncated",   // inside the last token
                (b, w) -> Arrays.copyOf(b, w.mark("kv:tokenizer.ggml.tokens:value") + 4 + 8 + 3 * (8 + 1) - 1)),
        TRUNCATED_AFTER_HEADER(CORRUPT, "tensor_count", "truncated",   // the counts cannot fit in what is left
                (b, w) -> Arrays.copyOf(b, w.mark("kv:general.name:value") + 8 + 5)),
        TRUNCATED_IN_TENSOR_INFO(CORRUPT, "tensor 't.b'", "truncated",
                (b, w) -> Arrays.copyOf(b, w.mark("tensor:t.b:type") + 2)),
        HUGE_STRING_LENGTH(CORRUPT, "key 'general.name'", "1152921504606846976",
                (b, w) -> put64(b, w.mark("kv:general.name:value"), 1L << 60)),
        HUGE_ARRAY_LENGTH(CORRUPT, "key 'tokenizer.ggml.tokens'", "array count",
                (b, w) -> put64(b, w.mark("kv:tokenizer.ggml.tokens:value") + 4, 1L << 60)),
        NEGATIVE_ARRAY_LENGTH(CORRUPT, "key 'tokenizer.ggml.tokens'", "array count",
                (b, w) -> put64(b, w.mark("kv:tokenizer.ggml.tokens:value") + 4, -3)),
        HUGE_TENSOR_COUNT(CORRUPT, "tensor_count", "1152921504606846976", (b, w) -> put64(b, 8, 1L << 60)),
        HUGE_KV_COUNT(CORRUPT, "metadata_kv_count", "are left in the file", (b, w) -> put64(b, 16, -1)),
        UNKNOWN_VALUE_TYPE(CORRUPT, "key 'test.key_a'", "unknown value type id 13",
                (b, w) -> put32(b, w.mark("kv:test.key_a:type"), 13)),
        UNKNOWN_ARRAY_ELEMENT_TYPE(CORRUPT, "key 'tokenizer.ggml.tokens'", "array element type id 77",
                (b, w) -> put32(b, w.mark("kv:tokenizer.ggml.tokens:value"), 77)),
        INVALID_UTF8_KEY(CORRUPT, "key #2", "UTF-8", (b, w) -> put8(b, w.mark("kv:test.key_a") + 8 + 2, 0xff)),
        EMPTY_KEY(CORRUPT, "key #2", "empty", (b, w) -> emptyKey(b, w.mark("kv:test.key_a"))),
        DUPLICATE_KEY(CORRUPT, "key 'test.key_a'", "duplicate key",
                (b, w) -> put8(b, w.mark("kv:test.key_b") + 8 + "test.key_".length(), 'a')),
        ALIGNMENT_0(CORRUPT, "key 'general.alignment'", "not a positive power of two",
                (b, w) -> put32(b, w.mark("kv:general.alignment:value"), 0)),
        ALIGNMENT_3(CORRUPT, "key 'general.alignment'", "alignment 3",
                (b, w) -> put32(b, w.mark("kv:general.alignment:value"), 3)),
        ALIGNMENT_NOT_INTEGER(CORRUPT, "key 'general.alignment'", "found FLOAT32",
                (b, w) -> put32(b, w.mark("kv:general.alignment:type"), GgufValueType.FLOAT32.id())),
        UNKNOWN_GGML_TYPE(CORRUPT, "tensor 't.b'", "unknown ggml type id 99",
                (b, w) -> put32(b, w.mark("tensor:t.b:type"), 99)),
        WITHDRAWN_GGML_TYPE(UNSUPPORTED, "tensor 't.b'", "Q4_0_4_4 (id 31) was withdrawn",
                (b, w) -> put32(b, w.mark("tensor:t.b:type"), 31)),
        N_DIMS_0(CORRUPT, "tensor 't.a'", "n_dims 0", (b, w) -> put32(b, w.mark("tensor:t.a:n_dims"), 0)),
        N_DIMS_5(CORRUPT, "tensor 't.a'", "n_dims 5", (b, w) -> put32(b, w.mark("tensor:t.a:n_dims"), 5)),
        ZERO_DIM(CORRUPT, "tensor 't.a'", "ne[1] = 0", (b, w) -> put64(b, w.mark("tensor:t.a:ne") + 8, 0)),
        NEGATIVE_DIM(CORRUPT, "tensor 't.a'", "ne[0] = -8", (b, w) -> put64(b, w.mark("tensor:t.a:ne"), -8)),
        DIMS_OVERFLOW(CORRUPT, "tensor 't.a'", "2^63 elements", (b, w) -> {
            put64(b, w.mark("tensor:t.a:ne"), 1L << 40);
            return put64(b, w.mark("tensor:t.a:ne") + 8, 1L << 40);
        }),
        DIM_NOT_MULTIPLE_OF_BLOCK(CORRUPT, "tensor 't.b'", "not a multiple of the Q8_0 block size 32",
                (b, w) -> put64(b, w.mark("tensor:t.b:ne"), 48)),
        OFFSET_MISALIGNED(CORRUPT, "tensor 't.b'", "is not a multiple of alignment 32",
                (b, w) -> put64(b, w.mark("tensor:t.b:offset"), offset(b, w, "t.b") + 4)),
        OFFSET_PAST_END(CORRUPT, "tensor 't.c'", "run past its end",
                (b, w) -> put64(b, w.mark("tensor:t.c:offset"), 1L << 40)),
        OFFSET_WRAPS_AROUND(CORRUPT, "tensor 't.c'", "run past its end",
                (b, w) -> put64(b, w.mark("tensor:t.c:offset"), -32)),
        TRUNCATED_DATA(CORRUPT, "tensor 't.c'", "run past its end", (b, w) -> Arrays.copyOf(b, b.length - 1)),
        OVERLAPPING_TENSORS(CORRUPT, "tensor 't.c'", "overlap tensor 't.b'",
                (b, w) -> put64(b, w.mark("tensor:t.c:offset"), offset(b, w, "t.b"))),
        DUPLICATE_TENSOR(CORRUPT, "tensor 't.a'", "duplicate tensor name",
                (b, w) -> put8(b, w.mark("tensor:t.b") + 8 + 2, 'a')),
        DATA_SECTION_PAST_END(CORRUPT, "data section", "past the end",
                (b, w) -> Arrays.copyOf(b, w.mark("tensor:t.c:offset") + 8));

        final Class<? extends ModelFileException> exception;
        final String item;
        final String problem;
        final BiFunction<byte[], GgufTestWriter, byte[]> mutation;

        CorruptGguf(Class<? extends ModelFileException> exception, String item, String problem,
                    BiFunction<byte[], GgufTestWriter, byte[]> mutation) {
            this.exception = exception;
            this.item = item;
            this.problem = problem;
            this.mutation = mutation;
        }
    }

    @TempDir
    Path dir;

    @Test
    void fixtureIsValid() throws Exception {
        try (GgufFile f = GgufFile.open(GgufFixtures.write(dir, "fixture.gguf", fixture().build()))) {
            assertEquals(3, f.tensors().size());
        }
        GgufTestWriter w = fixture();
        w.build();
        assertTrue((w.mark("tensor:t.c:offset") + 8) % 32 != 0, "DATA_SECTION_PAST_END needs unaligned infos");
    }

    @ParameterizedTest
    @EnumSource(CorruptGguf.class)
    void corruptFileIsRefusedNamingTheItem(CorruptGguf c) {
        GgufTestWriter w = fixture();
        byte[] bytes = c.mutation.apply(w.build(), w);
        Path file = GgufFixtures.write(dir, "model.gguf", bytes);

        ModelFileException e = assertThrows(ModelFileException.class, () -> GgufFile.open(file).close());
        assertEquals(c.exception, e.getClass(), () -> "wrong exception type: " + e);
        assertEquals(c.item, e.item(), () -> "wrong item in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("model.gguf"), e.getMessage());
        assertTrue(e.getMessage().contains(c.item + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(c.problem), () -> "'" + c.problem + "' not in: " + e.getMessage());

        List<Problem> problems = GgufVerifier.verify(file);
        assertTrue(problems.stream().anyMatch(p -> p.item().equals(c.item) && p.message().contains(c.problem)
                        && p.severity() != Severity.WARNING),
                () -> "the verifier does not report it: " + problems);
    }

    @Test
    void verifierReportsSeveralProblemsAtOnce() {
        GgufTestWriter w = fixture();
        byte[] b = w.build();
        put64(b, w.mark("tensor:t.b:offset"), offset(b, w, "t.b") + 4);    // misaligned
        put32(b, w.mark("tensor:t.a:type"), 17);                            // IQ2_XS: block 256, ne[0] = 8
        put8(b, w.mark("kv:test.key_b") + 8 + "test.key_".length(), 'a');  // duplicate key
        List<Problem> problems = GgufVerifier.verify(GgufFixtures.write(dir, "many.gguf", b));
        List<String> items = problems.stream().map(Problem::item).toList();
        assertTrue(items.containsAll(List.of("key 'test.key_a'", "tensor 't.a'", "tensor 't.b'")), problems::toString);
    }

    // ---- mutation helpers ---------------------------------------------------------------------------------

    private static long offset(byte[] b, GgufTestWriter w, String tensor) {
        return GgufTestWriter.getU64(b, w.mark("tensor:" + tensor + ":offset"));
    }

    private static byte[] put8(byte[] b, int at, int v) {
        b[at] = (byte) v;
        return b;
    }

    private static byte[] put32(byte[] b, int at, int v) {
        putU32(b, at, v);
        return b;
    }

    private static byte[] put64(byte[] b, int at, long v) {
        putU64(b, at, v);
        return b;
    }

    /** Makes the key at {@code at} empty by shifting the rest of the file over its bytes. */
    private static byte[] emptyKey(byte[] b, int at) {
        int len = (int) GgufTestWriter.getU64(b, at);
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + 8 + len, out, at + 8, b.length - at - 8 - len);
        putU64(out, at, 0);
        return out;
    }
}
