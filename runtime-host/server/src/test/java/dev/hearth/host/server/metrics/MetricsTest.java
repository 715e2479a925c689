package dev.hearth.host.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.hearth.api.backend.DecodeBatching;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void rendersThePrometheusTextFormat() {
        Metrics m = new Metrics();
        m.request("/v1/completions", 200);
        m.request("/v1/completions", 200);
        m.request("/v1/completions", 429);
        m.tokens(5, 7);
        m.ttft(0.02);
        m.duration(0.3);
        m.rejected();
        String text = m.render(() -> new Metrics.Gauges(1, 3, 1,
                List.of(new Metrics.LoadedModelGauge("tiny \"q\"", "gguf-cpu", 1, 100,
                        Optional.of(new DecodeBatching(10, 25))))));
        assertTrue(text.contains("hearth_requests_total{endpoint=\"/v1/completions\",code=\"200\"} 2\n"), text);
        assertTrue(text.contains("hearth_requests_total{endpoint=\"/v1/completions\",code=\"429\"} 1\n"));
        assertTrue(text.contains("hearth_generated_tokens_total 7\n"));
        assertTrue(text.contains("hearth_queue_length 3\n"));
        assertTrue(text.contains("hearth_model_loaded{model=\"tiny \\\"q\\\"\",backend=\"gguf-cpu\"} 1\n"),
                "label values escaped");
        assertTrue(text.contains("hearth_time_to_first_token_seconds_bucket{le=\"0.025\"} 1\n"));
        assertTrue(text.contains("hearth_time_to_first_token_seconds_bucket{le=\"0.01\"} 0\n"));
        assertTrue(text.contains("hearth_time_to_first_token_seconds_bucket{le=\"+Inf\"} 1\n"));
        assertTrue(text.contains("hearth_request_duration_seconds_count 1\n"));
        assertTrue(text.contains("hearth_model_decode_passes_total{model=\"tiny \\\"q\\\"\"} 10\n"), text);
        assertTrue(text.contains("hearth_model_decode_steps_total{model=\"tiny \\\"q\\\"\"} 25\n"), text);
        // every sample line: name{labels} value
        Pattern sample = Pattern.compile("[a-z_]+(\\{[^}]*\\})? [0-9.eE+-]+");
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || sample.matcher(line).matches(), line);
        }
    }
}
