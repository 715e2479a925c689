package dev.hearth.host.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * The settings of the server and of the model and plugin commands, read from framework properties (the launcher
 * hands {@code hearth.serve.*}, {@code hearth.models.*}, {@code hearth.pull.*} and {@code hearth.plugin.*} from
 * {@code conf/hearth.properties} and {@code -D} options to the framework). Each key is documented there.
 *
 * @param bind          address the server listens on ({@code hearth.serve.bind}, 127.0.0.1)
 * @param port          its port ({@code hearth.serve.port}, 11435; 0 picks a free one)
 * @param apiKey        bearer token every request but {@code /health} must carry; empty: none
 * @param parallel      generations running at once ({@code hearth.serve.parallel})
 * @param queue         requests waiting for a slot before the server answers 429 ({@code hearth.serve.queue})
 * @param idleTimeout   how long a model with no request stays loaded ({@code hearth.serve.idle-timeout}, seconds)
 * @param maxBodyBytes  largest request body ({@code hearth.serve.max-body})
 * @param maxPromptChars longest prompt or sum of message texts ({@code hearth.serve.max-prompt})
 * @param defaultMaxTokens tokens generated when a request names no {@code max_tokens}
 * @param maxTokensLimit   the most tokens a request may ask for ({@code hearth.serve.max-tokens-limit})
 * @param backend       backend every model is loaded on; empty: the best that supports it
 * @param contextLength context to load models with, 0: the model's ({@code hearth.serve.ctx})
 * @param threads       CPU threads per model, 0: all cores
 * @param decodeBatch   running generations whose decode steps a backend may batch into one pass
 *                      ({@code hearth.serve.decode-batch}); 0: the backend's default, 1: none
 * @param chatTemplate  chat template for models that carry none (a built-in name); empty: chat needs the model's
 * @param memoryLimit   bytes all loaded models may take together; 0: what the machine has available
 * @param modelsDir     the models folder ({@code hearth.models.dir}, ~/.hearth/models)
 * @param hubUrl        the Hugging Face hub ({@code hearth.pull.url})
 * @param hubToken      token for gated repositories ({@code hearth.pull.token}, else env HF_TOKEN)
 * @param mavenUrl      the Maven repository {@code plugin install mvn:} fetches from ({@code hearth.plugin.maven-url})
 */
public record Settings(String bind, int port, String apiKey, int parallel, int queue, Duration idleTimeout,
                       int maxBodyBytes, int maxPromptChars, int defaultMaxTokens, int maxTokensLimit, String backend,
                       int contextLength, int threads, int decodeBatch, String chatTemplate, long memoryLimit, Path modelsDir,
                       String hubUrl, String hubToken, String mavenUrl) {

    public static final String PREFIX = "hearth.serve.";

    /** Reads every setting through {@code property} (null when unset); a bad value is named with its key. */
    public static Settings from(Function<String, String> property) {
        Reader r = new Reader(property);
        String home = System.getProperty("user.home");
        return new Settings(
                r.text("hearth.serve.bind", "127.0.0.1"),
                (int) r.number("hearth.serve.port", 11435, 0, 65535),
                r.text("hearth.serve.api-key", ""),
                (int) r.number("hearth.serve.parallel", 4, 1, 1024),
                (int) r.number("hearth.serve.queue", 64, 0, 100_000),
                Duration.ofSeconds(r.number("hearth.serve.idle-timeout", 300, 0, 365L * 24 * 3600)),
                (int) r.number("hearth.serve.max-body", 1 << 20, 1024, 1 << 30),
                (int) r.number("hearth.serve.max-prompt", 200_000, 1, 1 << 30),
                (int) r.number("hearth.serve.max-tokens", 256, 1, 1 << 20),
                (int) r.number("hearth.serve.max-tokens-limit", 8192, 1, 1 << 24),
                r.text("hearth.serve.backend", ""),
                (int) r.number("hearth.serve.ctx", 0, 0, 1 << 24),
                (int) r.number("hearth.serve.threads", 0, 0, 4096),
                (int) r.number("hearth.serve.decode-batch", 0, 0, 1024),
                r.text("hearth.serve.chat-template", ""),
                r.bytes("hearth.serve.memory-limit"),
                Path.of(r.text("hearth.models.dir", Path.of(home, ".hearth", "models").toString())
                        .replaceFirst("^~(?=/|$)", home.replace("\\", "\\\\"))).toAbsolutePath().normalize(),
                r.text("hearth.pull.url", "https://huggingface.co").replaceAll("/+$", ""),
                r.text("hearth.pull.token", envOrEmpty("HF_TOKEN")),
                r.text("hearth.plugin.maven-url", "https://repo1.maven.org/maven2").replaceAll("/+$", ""));
    }

    private static String envOrEmpty(String name) {
        String v = System.getenv(name);
        return v == null ? "" : v.strip();
    }

    /** Reads and checks values. */
    private record Reader(Function<String, String> property) {
        String text(String key, String def) {
            String v = property.apply(key);
            return v == null || v.isBlank() ? def : v.strip();
        }

        long number(String key, long def, long min, long max) {
            String s = text(key, "");
            if (s.isEmpty()) return def;
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, was '" + s + "'");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + v);
            }
            return v;
        }

        /** {@code 0}, {@code 8g}, {@code 512m}, {@code 1048576}. */
        long bytes(String key) {
            String s = text(key, "0").toLowerCase(Locale.ROOT);
            long unit = switch (s.charAt(s.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1;
            };
            String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
            try {
                long v = Long.parseLong(digits.strip());
                if (v < 0) throw new NumberFormatException();
                return Math.multiplyExact(v, unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(key + " must be a size such as 8g, 512m or 0, was '" + s + "'");
            }
        }
    }
}
