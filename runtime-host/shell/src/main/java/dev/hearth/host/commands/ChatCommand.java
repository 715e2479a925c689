package dev.hearth.host.commands;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import dev.hearth.command.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth chat MODEL}: an interactive loop. Each line typed is a user message; the whole conversation goes
 * through the chat template and the answer streams back. An empty line or end of input ends it; {@code /reset}
 * forgets the conversation.
 */
public class ChatCommand implements HearthCommand {
    public static final String NAME = "chat";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "Chat with a model interactively")
    static final class Options {
        @Parameters(index = "0", paramLabel = "MODEL", description = "model file or folder")
        String model;

        @Option(names = "--system", paramLabel = "TEXT", description = "system message")
        String system;

        @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "most tokens per answer (default: 512)")
        int maxTokens = 512;

        @Mixin
        SamplingOptions sampling = new SamplingOptions();

        @Mixin
        ModelOptions model_ = new ModelOptions();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Chat with a model interactively (the model's chat template; /reset, empty line to quit)";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        PrintStream out = context.out();
        BufferedReader in = new BufferedReader(new InputStreamReader(context.in(), StandardCharsets.UTF_8));
        try (LoadedModel model = Models.load(context, o.model, o.model_.backend, o.model_.loadOptions());
             Session session = model.newSession()) {
            List<ChatMessage> history = new ArrayList<>();
            if (o.system != null) history.add(ChatMessage.system(o.system));
            int systemMessages = history.size();
            while (!context.cancelled()) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.isBlank()) break;
                if (line.strip().equals("/reset")) {
                    history.subList(systemMessages, history.size()).clear();
                    continue;
                }
                history.add(ChatMessage.user(line));
                GenerationRequest request = new GenerationRequest("", history, o.sampling.params(), o.maxTokens,
                        List.of(), true);
                GenerationResult r = session.generate(request, (id, text) -> {
                    out.print(text);
                    out.flush();
                });
                out.println();
                history.add(ChatMessage.assistant(r.text()));
                context.err().println(r.stats().summary());
            }
        }
        return OK;
    }
}
