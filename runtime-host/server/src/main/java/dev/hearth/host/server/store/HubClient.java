package dev.hearth.host.server.store;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * The Hugging Face hub's HTTP layout, as its documentation and {@code huggingface_hub} use it:
 * <ul>
 *   <li>{@code GET {base}/api/models/{org}/{repo}?blobs=true}: the repository's files ({@code siblings}), each with
 *       {@code rfilename}, {@code size}, its Git blob id ({@code blobId}) and, for files stored in LFS (weights),
 *       {@code lfs.sha256} and {@code lfs.size};</li>
 *   <li>{@code GET {base}/{org}/{repo}/resolve/main/{file}}: the file's bytes (LFS files redirect to a CDN, which
 *       honours range requests).</li>
 * </ul>
 * The digest a file is checked against: {@code lfs.sha256} for LFS files; for small files kept in Git, the Git blob
 * id (SHA-1 of {@code "blob <size>\0"} and the bytes), the only digest the hub publishes for them.
 */
public final class HubClient {
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern FILE_SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+=@-]{0,199}");

    private final String base;
    private final Downloader downloader;

    /** One file of a repository. */
    public record HubFile(String name, long size, Checksum checksum) {}

    public HubClient(String base, Downloader downloader) {
        this.base = base.replaceAll("/+$", "");
        this.downloader = downloader;
    }

    /** Checks {@code ORG/REPO}. */
    public static String checkRepo(String repo) {
        if (!REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("'" + repo + "' is not a repository: expected ORG/REPO");
        }
        return repo;
    }

    /** Checks a file path inside a repository: relative, no {@code ..}, plain names. */
    public static String checkFile(String file) {
        for (String seg : file.split("/", -1)) {
            if (!FILE_SEGMENT.matcher(seg).matches() || seg.contains("..")) {
                throw new IllegalArgumentException("'" + file + "' is not a file name in a repository");
            }
        }
        return file;
    }

    /** The files of {@code repo} on its main revision. */
    public List<HubFile> files(String repo) throws IOException {
        URI api = URI.create(base + "/api/models/" + checkRepo(repo) + "?blobs=true");
        String body = downloader.text(api).orElseThrow(() -> new IOException("no repository " + repo + " on " + base
                + " (404)"));
        try {
            JsonObject o = JsonParser.parseString(body).getAsJsonObject();
            JsonArray siblings = o.getAsJsonArray("siblings");
            if (siblings == null) throw new IOException(api + ": the answer lists no files (no 'siblings')");
            List<HubFile> out = new ArrayList<>();
            for (JsonElement e : siblings) {
                JsonObject s = e.getAsJsonObject();
                String name = s.get("rfilename").getAsString();
                JsonObject lfs = s.get("lfs") instanceof JsonObject l ? l : null;
                long size = lfs != null && lfs.has("size") ? lfs.get("size").getAsLong()
                        : s.has("size") ? s.get("size").getAsLong() : -1;
                Checksum c = null;
                if (lfs != null && lfs.has("sha256")) c = new Checksum(Checksum.Kind.SHA256, lfs.get("sha256").getAsString());
                else if (s.has("blobId")) c = new Checksum(Checksum.Kind.GIT_BLOB, s.get("blobId").getAsString());
                out.add(new HubFile(name, size, c));
            }
            return out;
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException | NullPointerException
                 | UnsupportedOperationException e) {
            throw new IOException(api + ": unexpected answer (" + e.getMessage() + ")", e);
        }
    }

    /** Where a file's bytes are. */
    public URI resolve(String repo, String file) {
        StringBuilder path = new StringBuilder();
        for (String seg : checkFile(file).split("/")) {
            path.append('/').append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(base + "/" + checkRepo(repo) + "/resolve/main" + path);
    }

    public Downloader downloader() {
        return downloader;
    }
}
