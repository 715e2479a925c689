package dev.hearth.host.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A published digest a download must match.
 *
 * @param kind what is hashed: {@link Kind#SHA256} and {@link Kind#SHA1} hash the file's bytes; {@link Kind#GIT_BLOB}
 *             is Git's object id, SHA-1 over {@code "blob <size>\0"} and the bytes (what the Hugging Face hub
 *             publishes for files not stored in LFS)
 * @param hex  the expected digest, lower-case hex
 */
public record Checksum(Kind kind, String hex) {

    public enum Kind { SHA256, SHA1, GIT_BLOB }

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    public Checksum {
        hex = hex.strip().toLowerCase(Locale.ROOT);
        int len = kind == Kind.SHA256 ? 64 : 40;
        if (hex.length() != len || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a " + kind.name().toLowerCase(Locale.ROOT) + " digest: '" + hex
                    + "'");
        }
    }

    /** The digest of {@code file} computed the way this checksum is. */
    public String compute(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(kind == Kind.SHA256 ? "SHA-256" : "SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (kind == Kind.GIT_BLOB) {
            md.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** True when {@code file} has this digest. */
    public boolean matches(Path file) throws IOException {
        return compute(file).equals(hex);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + ":" + hex;
    }
}
