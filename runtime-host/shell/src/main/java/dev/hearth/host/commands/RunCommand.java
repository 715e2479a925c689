package dev.hearth.host.commands;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;
import dev.hearth.command.Arguments;
import dev.hearth.command.CommandFailure;
import dev.hearth.command.Models;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth run MODEL -p PROMPT}: streams only the generated text to stdout as it is produced, and one line of
 * statistics (prompt tokens, TTFT, tokens/s) to stderr.
 */
public class RunCommand implements HearthCommand {
    public static final String NAME = "run";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "Generate text from a prompt")
    static final class Options {
        @Parameters(index = "0", paramLabel = "MODEL", description = "model file or folder")
        String model;

        @ArgGroup(multiplicity = "1")
        Prompt prompt;

        @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens to generate (default: 128)")
        int maxTokens = 128;

        @Option(names = "--chat", description = "render the prompt as a user message through the chat template")
        boolean chat;

        @Option(names = "--system", paramLabel = "TEXT", description = "system message (with --chat)")
        String system;

        @Option(names = "--stop", paramLabel = "TEXT", description = "stop string (repeatable)")
        List<String> stop = new ArrayList<>();

        @Option(names = "--no-bos", description = "do not add the beginning-of-sequence token")
        boolean noBos;

        @Mixin
        SamplingOptions sampling = new SamplingOptions();

        @Mixin
        ModelOptions model_ = new ModelOptions();
    }

    static final class Prompt {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", required = true, description = "the prompt")
        String text;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "read the prompt from a file")
        String file;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Generate text from a prompt, streaming it to stdout (stats on stderr)";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        String prompt = o.prompt.text != null ? o.prompt.text : readPrompt(context, o.prompt.file);
        GenerationRequest request = o.chat
                ? GenerationRequest.chat(messages(o.system, prompt), o.maxTokens)
                : GenerationRequest.of(prompt, o.maxTokens);
        request = new GenerationRequest(request.prompt(), request.messages(), o.sampling.params(), o.maxTokens, o.stop,
                !o.noBos);
        PrintStream out = context.out();
        try (LoadedModel model = Models.load(context, o.model, o.model_.backend, o.model_.loadOptions());
             Session session = model.newSession()) {
            GenerationResult result = session.generate(request, (id, text) -> {
                out.print(text);
                out.flush();
                if (context.cancelled()) session.cancel();
            });
            out.println();
            context.err().println(model.backendId() + " | " + result.stats().summary());
        }
        return OK;
    }

    static List<ChatMessage> messages(String system, String user) {
        List<ChatMessage> m = new ArrayList<>();
        if (system != null) m.add(ChatMessage.system(system));
        m.add(ChatMessage.user(user));
        return m;
    }

    static String readPrompt(CommandContext context, String file) throws java.io.IOException {
        var path = context.resolve(file);
        if (!Files.isRegularFile(path)) throw new CommandFailure("no such file: " + path);
        return Files.readString(path);
    }
}
