package dev.hearth.host.server.commands;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Supplier;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.command.Arguments;
import dev.hearth.command.CommandFailure;
import dev.hearth.host.server.Settings;
import dev.hearth.host.server.store.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hearth ps}: the models loaded by the running server ({@code hearth serve}), read from its
 * {@code GET /api/ps} at the configured address (or {@code --url}).
 */
public class PsCommand implements HearthCommand {
    public static final String NAME = "ps";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "List the models the running server has loaded")
    static final class Options {
        @Option(names = "--url", paramLabel = "URL", description = "the server (default: http://<hearth.serve.bind>:<hearth.serve.port>)")
        String url;
    }

    private final Supplier<Settings> settings;

    public PsCommand(Supplier<Settings> settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "List the models loaded by the running server (hearth serve)";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        Settings s = settings.get();
        String host = s.bind().equals("0.0.0.0") || s.bind().equals("::") ? "127.0.0.1" : s.bind();
        String base = o.url != null ? o.url.replaceAll("/+$", "") : "http://" + (host.contains(":") ? "[" + host + "]"
                : host) + ":" + s.port();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/ps")).timeout(Duration.ofSeconds(10));
        if (!s.apiKey().isEmpty()) b.header("Authorization", "Bearer " + s.apiKey());
        HttpResponse<String> r;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CommandFailure("no server answers at " + base + " (start one with 'hearth serve')");
        } catch (IOException e) {
            throw new CommandFailure("the server at " + base + " did not answer: " + e.getMessage());
        }
        if (r.statusCode() != 200) {
            throw new CommandFailure(base + "/api/ps answered " + r.statusCode() + ": " + r.body().strip());
        }
        JsonObject ps = JsonParser.parseString(r.body()).getAsJsonObject();
        var models = ps.getAsJsonArray("models");
        var out = context.out();
        if (models.isEmpty()) {
            out.println("no model is loaded (" + ps.get("requests_running").getAsInt() + " running, "
                    + ps.get("requests_queued").getAsInt() + " queued)");
            return OK;
        }
        out.printf(Locale.ROOT, "%-28s %-14s %-34s %10s %8s  %s%n", "NAME", "BACKEND", "DEVICE", "SIZE", "IN USE",
                "UNLOADS IN");
        for (JsonElement e : models) {
            JsonObject m = e.getAsJsonObject();
            long until = m.get("unloads_in_seconds").getAsLong();
            out.printf(Locale.ROOT, "%-28s %-14s %-34s %10s %8d  %s%n", m.get("name").getAsString(),
                    m.get("backend").getAsString(), m.get("device").getAsString(),
                    Progress.size(m.get("weight_bytes").getAsLong()), m.get("sessions_in_use").getAsInt(),
                    until < 0 ? "(in use)" : until + " s");
        }
        return OK;
    }
}
