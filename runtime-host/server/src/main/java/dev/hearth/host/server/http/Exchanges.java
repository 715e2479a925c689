package dev.hearth.host.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.google.gson.JsonElement;
import com.sun.net.httpserver.HttpExchange;

import dev.hearth.host.server.openai.ApiError;
import dev.hearth.host.server.openai.Json;

/** Reading bounded request bodies and sending whole JSON or text responses. */
final class Exchanges {

    private Exchanges() {
    }

    /** The request body, refused with 413 when longer than {@code max} bytes (by header or by counting). */
    static byte[] body(HttpExchange ex, int max) throws IOException, ApiError {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > max) throw tooLarge(max);
            } catch (NumberFormatException e) {
                throw ApiError.invalid(null, "bad Content-Length");
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) throw tooLarge(max);
            return b;
        }
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, "invalid_request_error", null, "the request body is larger than " + max
                + " bytes (hearth.serve.max-body)");
    }

    static void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        send(ex, status, "application/json", Json.write(body));
    }

    static void error(HttpExchange ex, ApiError e) throws IOException {
        if (e.status() == 413) {
            // the body was not read: the server drops the connection after this answer, so the client must not reuse it
            ex.getResponseHeaders().set("Connection", "close");
        }
        json(ex, e.status(), Json.error(e.type(), e.param(), e.getMessage()));
    }

    static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
