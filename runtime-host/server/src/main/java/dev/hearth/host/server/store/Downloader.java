package dev.hearth.host.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one file over HTTP(S) the careful way:
 * <ol>
 *   <li>into a temporary name beside the target ({@code .NAME.part}), never over the target;</li>
 *   <li>resuming: when a partial file is there, only the rest is asked for ({@code Range: bytes=N-}); a server that
 *       answers 206 with the matching {@code Content-Range} gets appended to, one that answers 200 starts over;</li>
 *   <li>a transfer cut in the middle keeps what arrived and is resumed, up to {@link #ATTEMPTS} tries;</li>
 *   <li>the size and the published digest are checked before the file is accepted; a mismatch deletes the partial
 *       file and fails;</li>
 *   <li>only then is it renamed to the target, atomically.</li>
 * </ol>
 */
public final class Downloader {
    static final int ATTEMPTS = 3;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HttpClient http;
    private final Map<String, String> headers;
    private final Progress progress;
    private final Duration timeout;

    /**
     * @param headers sent with every request (e.g. {@code Authorization})
     */
    public Downloader(HttpClient http, Map<String, String> headers, Progress progress, Duration timeout) {
        this.http = http;
        this.headers = Map.copyOf(headers);
        this.progress = progress;
        this.timeout = timeout;
    }

    /** An HTTP client that follows redirects (the hub sends files from a CDN), HTTP/1.1. */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The temporary name a download of {@code target} is written to. */
    public static Path partial(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".part");
    }

    /**
     * Downloads {@code url} to {@code target}.
     *
     * @param expected the published digest, or null when none is published (then only the size is checked)
     * @param size     the published size, or -1
     */
    public void fetch(URI url, Path target, Checksum expected, long size) throws IOException {
        Path part = partial(target);
        Files.createDirectories(target.toAbsolutePath().getParent());
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                transfer(url, part, size, target.getFileName().toString());
                last = null;
                break;
            } catch (TransferCut e) {
                last = e; // keep the partial file: the next attempt resumes it
            }
        }
        if (last != null) {
            throw new IOException(last.getMessage() + "; the partial download is kept in " + part
                    + ": run the same command again to resume", last);
        }
        verify(part, expected, size, url);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A connection that broke after the response started: worth resuming. */
    static final class TransferCut extends IOException {
        private static final long serialVersionUID = 1L;

        TransferCut(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void transfer(URI url, Path part, long size, String name) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (size >= 0 && have > size) {
            Files.delete(part);
            have = 0;
        }
        if (size >= 0 && have == size && have > 0) return; // complete already; verified by the caller
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).GET();
        headers.forEach(b::header);
        if (have > 0) b.header("Range", "bytes=" + have + "-");
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream in = r.body()) {
            int status = r.statusCode();
            boolean append;
            if (status == 206) {
                append = resumesAt(r, have);
                if (!append) throw new IOException(url + ": the server resumed at the wrong offset ("
                        + r.headers().firstValue("Content-Range").orElse("no Content-Range") + ")");
            } else if (status == 200) {
                append = false;
            } else if (status == 416 && have > 0) {
                Files.delete(part); // what we have does not fit the file any more: start over next attempt
                throw new TransferCut(url + ": the server refused to resume (416)", null);
            } else {
                throw new IOException(url + " answered " + status + describe(status));
            }
            long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            long total = length >= 0 ? (append ? have + length : length) : size;
            copy(in, part, append, append ? have : 0, total, name);
        }
    }

    private static boolean resumesAt(HttpResponse<?> r, long have) {
        Optional<String> cr = r.headers().firstValue("Content-Range");
        if (cr.isEmpty()) return false;
        Matcher m = CONTENT_RANGE.matcher(cr.get().strip());
        return m.matches() && Long.parseLong(m.group(1)) == have;
    }

    private void copy(InputStream in, Path part, boolean append, long have, long total, String name)
            throws IOException {
        progress.start(name, have, total);
        long got = 0;
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while (true) {
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    throw new TransferCut("the transfer of " + name + " broke after " + (have + got) + " bytes", e);
                }
                if (n < 0) break;
                out.write(buf, 0, n);
                got += n;
                progress.advance(n);
            }
        } finally {
            progress.end();
        }
        if (total >= 0 && have + got < total) {
            throw new TransferCut("the transfer of " + name + " ended early at " + (have + got) + " of " + total
                    + " bytes", null);
        }
    }

    private static void verify(Path part, Checksum expected, long size, URI url) throws IOException {
        long actual = Files.size(part);
        if (size >= 0 && actual != size) {
            Files.deleteIfExists(part);
            throw new IOException(url + ": got " + actual + " bytes, the server publishes " + size
                    + "; the download was discarded");
        }
        if (expected != null) {
            String got = expected.compute(part);
            if (!got.equals(expected.hex())) {
                Files.deleteIfExists(part);
                throw new IOException(url + ": checksum mismatch: expected " + expected + ", got " + got
                        + "; the download was discarded");
            }
        }
    }

    private static String describe(int status) {
        return switch (status) {
            case 401, 403 -> " (not allowed: a gated or private repository needs a token, HF_TOKEN or "
                    + "hearth.pull.token)";
            case 404 -> " (not found)";
            default -> "";
        };
    }

    /** GET a small text (an API answer, a .sha1 file); empty on 404. */
    public Optional<String> text(URI url) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).GET();
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 404) return Optional.empty();
            if (r.statusCode() != 200) throw new IOException(url + " answered " + r.statusCode()
                    + describe(r.statusCode()));
            if (r.body().length > 16 << 20) throw new IOException(url + ": answer too large");
            return Optional.of(new String(r.body(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
