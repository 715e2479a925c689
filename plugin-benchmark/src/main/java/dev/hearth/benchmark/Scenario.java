package dev.hearth.benchmark;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing to measure.
 *
 * <ul>
 *   <li>{@link Kind#TEXT}: a real prompt through {@code Session.generate}, greedy, at most {@code generate} tokens;
 *       raw, or rendered by the model's chat template when {@code chat} (name suffix {@code :chat}).</li>
 *   <li>{@link Kind#PP}: llama-bench's {@code ppN}: one {@code evaluate} of N seeded random token ids.</li>
 *   <li>{@link Kind#TG}: llama-bench's {@code tgN}: N single-token {@code evaluate} calls after a reset;
 *       {@code tgNxS} runs that in S sessions at once and counts their tokens together (the throughput a server
 *       gets from S concurrent requests, where the backend batches their decode steps).</li>
 * </ul>
 *
 * @param name          as typed with {@code --scenario}, e.g. {@code short}, {@code code:chat}, {@code pp512}
 * @param kind          what is measured
 * @param description   one line for reports
 * @param prompt        the prompt text (TEXT only, else empty)
 * @param system        system message used when {@code chat}, may be empty
 * @param promptTokens  nominal prompt size (the real count depends on the tokenizer and is reported per run)
 * @param generate      tokens to generate (TEXT, TG); 0 for PP
 * @param chat          whether the prompt goes through the chat template
 * @param sessions      sessions run at once (TG only; 1 otherwise)
 */
public record Scenario(String name, Kind kind, String description, String prompt, String system,
                       int promptTokens, int generate, boolean chat, int sessions) {

    /** What a scenario measures. */
    public enum Kind { TEXT, PP, TG }

    private static final Pattern LLAMA_BENCH = Pattern.compile("pp([1-9][0-9]{0,5})|tg([1-9][0-9]{0,5})(?:x([1-9][0-9]?))?");

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(system, "system");
        if (promptTokens < 0) throw new IllegalArgumentException(name + ": prompt tokens must be >= 0");
        if (generate < 0) throw new IllegalArgumentException(name + ": generate must be >= 0");
        if (kind == Kind.TEXT && prompt.isBlank()) throw new IllegalArgumentException(name + ": empty prompt");
        if (sessions < 1 || (sessions > 1 && kind != Kind.TG)) {
            throw new IllegalArgumentException(name + ": " + sessions + " sessions; only tg scenarios run several");
        }
    }

    /** A scenario of one session. */
    public Scenario(String name, Kind kind, String description, String prompt, String system, int promptTokens,
                    int generate, boolean chat) {
        this(name, kind, description, prompt, system, promptTokens, generate, chat, 1);
    }

    /** {@code ppN}, {@code tgN} or {@code tgNxS} when the name is one, else null. */
    public static Scenario llamaBench(String name) {
        Matcher m = LLAMA_BENCH.matcher(name.toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        if (m.group(1) != null) {
            int n = Integer.parseInt(m.group(1));
            return new Scenario("pp" + n, Kind.PP, "prompt processing of " + n + " random tokens", "", "", n, 0, false);
        }
        int n = Integer.parseInt(m.group(2));
        if (m.group(3) == null) {
            return new Scenario("tg" + n, Kind.TG, "generation of " + n + " tokens, one evaluate each", "", "", 0, n,
                    false);
        }
        int sessions = Integer.parseInt(m.group(3));
        return new Scenario("tg" + n + "x" + sessions, Kind.TG, "generation of " + n + " tokens in each of "
                + sessions + " sessions at once, counted together", "", "", 0, n, false, sessions);
    }

    /** The same scenario rendered through the chat template, named {@code NAME:chat}. */
    public Scenario asChat() {
        if (kind != Kind.TEXT) throw new IllegalArgumentException(name + " has no prompt to put in a chat");
        return chat ? this : new Scenario(name + ":chat", kind, description + " (chat template)", prompt, system,
                promptTokens, generate, true, 1);
    }
}
