package dev.hearth.host.server.store;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A file server of the test's own on 127.0.0.1: serves byte arrays by path, honours {@code Range: bytes=N-}, and can
 * cut a transfer after some bytes (once per path). Records the Range header of every request.
 */
final class FileServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
    final List<String> ranges = new CopyOnWriteArrayList<>();

    FileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath() + (ex.getRequestURI().getQuery() == null ? ""
                    : "?" + ex.getRequestURI().getQuery());
            byte[] body = files.get(path);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String range = ex.getRequestHeaders().getFirst("Range");
            ranges.add(range == null ? "" : range);
            int from = 0;
            if (range != null) {
                Matcher m = RANGE.matcher(range);
                if (m.matches()) from = Integer.parseInt(m.group(1));
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/"
                        + body.length);
            }
            int length = body.length - from;
            ex.sendResponseHeaders(range != null ? 206 : 200, length);
            Integer cut = cutAfter.remove(path);
            OutputStream out = ex.getResponseBody();
            if (cut != null && cut < length) {
                out.write(body, from, cut);
                out.flush();
                // leave without finishing: the server closes the connection with bytes missing
                throw new IOException("cut");
            }
            out.write(body, from, length);
            out.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
