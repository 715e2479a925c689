package dev.hearth.tokenizer.hf;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.hearth.api.model.ModelFileException;

/**
 * A minimal reader of the protobuf wire format, enough for SentencePiece's {@code ModelProto}: a message is a
 * sequence of fields, each a varint key ({@code field_number << 3 | wire_type}) then a value whose wire type is
 * 0 varint, 1 fixed 64-bit, 2 length-delimited (strings, bytes, nested messages) or 5 fixed 32-bit. Groups
 * (types 3 and 4) are refused. Every length is checked against the bytes left before it is used.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final Path file;
    private final byte[] buf;
    private final int end;
    private int pos;
    private final String context;

    ProtoReader(Path file, byte[] buf, int start, int end, String context) {
        this.file = file;
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.context = context;
    }

    boolean hasMore() { return pos < end; }

    int position() { return pos; }

    ModelFileException error(String item, String problem) {
        return new ModelFileException(file, pos, context.isEmpty() ? item : context + "." + item, problem);
    }

    /** The next field's key: field number in the high bits, wire type in the low 3. */
    long key() throws ModelFileException {
        long key = varint("field key");
        int type = (int) (key & 7);
        if (type != VARINT && type != FIXED64 && type != LEN && type != FIXED32) {
            throw error("field " + (key >>> 3), "unsupported wire type " + type);
        }
        if ((key >>> 3) == 0) {
            throw error("field key", "field number 0");
        }
        return key;
    }

    long varint(String item) throws ModelFileException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error(item, "truncated varint");
            }
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw error(item, "varint longer than 10 bytes");
    }

    float fixed32Float(String item) throws ModelFileException {
        need(4, item);
        int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    /** The bounds [start, end) of a length-delimited value, which is then skipped. */
    int[] lengthDelimited(String item) throws ModelFileException {
        long n = varint(item + " length");
        if (n < 0 || n > end - pos) {
            throw error(item, "length " + n + " exceeds the " + (end - pos) + " bytes left");
        }
        int start = pos;
        pos += (int) n;
        return new int[] {start, pos};
    }

    String string(String item) throws ModelFileException {
        int[] r = lengthDelimited(item);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(buf, r[0], r[1] - r[0])).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(file, r[0], context + "." + item, "invalid UTF-8");
        }
    }

    ProtoReader message(String item) throws ModelFileException {
        int[] r = lengthDelimited(item);
        return new ProtoReader(file, buf, r[0], r[1], context.isEmpty() ? item : context + "." + item);
    }

    /** Skips a value of the given wire type. */
    void skip(long key) throws ModelFileException {
        String item = "field " + (key >>> 3);
        switch ((int) (key & 7)) {
            case VARINT -> varint(item);
            case FIXED64 -> { need(8, item); pos += 8; }
            case LEN -> lengthDelimited(item);
            case FIXED32 -> { need(4, item); pos += 4; }
            default -> throw error(item, "unsupported wire type " + (key & 7));
        }
    }

    /** Reads a varint value after checking the key's wire type. */
    long varintField(long key, String item) throws ModelFileException {
        expect(key, VARINT, item);
        return varint(item);
    }

    void expect(long key, int type, String item) throws ModelFileException {
        if ((key & 7) != type) {
            throw error(item, "wire type " + (key & 7) + ", expected " + type);
        }
    }

    private void need(int n, String item) throws ModelFileException {
        if (end - pos < n) {
            throw error(item, "needs " + n + " bytes, " + (end - pos) + " left");
        }
    }
}
