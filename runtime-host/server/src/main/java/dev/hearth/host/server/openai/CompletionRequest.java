package dev.hearth.host.server.openai;

import dev.hearth.api.session.GenerationRequest;

/**
 * A parsed {@code /v1/completions} or {@code /v1/chat/completions} request.
 *
 * @param chat         true for chat completions
 * @param model        the model's name in the models folder (checked: no path)
 * @param backend      the backend the request pins ({@code "backend"}, a Hearth extension), or null
 * @param generation   what to generate, with sampling, stop strings and token limit
 * @param stream       answer with server-sent events
 * @param includeUsage {@code stream_options.include_usage}: one more event with the token counts before [DONE]
 */
public record CompletionRequest(boolean chat, String model, String backend, GenerationRequest generation,
                                boolean stream, boolean includeUsage) {
}
