package dev.hearth.host.commands;

import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.session.Session;
import dev.hearth.command.Arguments;
import dev.hearth.command.CommandFailure;
import dev.hearth.command.Models;
import dev.hearth.generation.PerplexityCalculator;
import dev.hearth.generation.PerplexityResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth perplexity MODEL TEXTFILE --ctx N}: perplexity as llama.cpp's {@code llama-perplexity} computes it
 * (non-overlapping chunks of N tokens starting with BOS, the second half of each chunk scored). Running values go to
 * stderr; {@code PPL = <value>} is the last line on stdout.
 */
public class PerplexityCommand implements HearthCommand {
    public static final String NAME = "perplexity";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "Perplexity of a text, as llama-perplexity computes it")
    static final class Options {
        @Parameters(index = "0", paramLabel = "MODEL", description = "model file or folder")
        String model;

        @Parameters(index = "1", paramLabel = "TEXTFILE", description = "the text to score (UTF-8)")
        String text;

        @Mixin
        ModelOptions model_ = new ModelOptions();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Perplexity of a text file (chunks of --ctx tokens, as llama-perplexity)";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        if (o.model_.contextLength <= 0) {
            context.err().println("hearth perplexity: --ctx N is required (tokens per chunk)");
            return USAGE;
        }
        var textFile = context.resolve(o.text);
        if (!Files.isRegularFile(textFile)) throw new CommandFailure("no such file: " + textFile);
        String text = Files.readString(textFile);
        try (LoadedModel model = Models.load(context, o.model, o.model_.backend, o.model_.loadOptions());
             Session session = model.newSession()) {
            int[] tokens = model.tokenizer().encode(text, true, false);
            int bos = model.tokenizer().addsBos() ? model.tokenizer().bos() : -1;
            context.err().printf(Locale.ROOT, "%s: %d tokens, %d chunks of %d%n", model.backendId(), tokens.length,
                    tokens.length / o.model_.contextLength, o.model_.contextLength);
            PerplexityResult r;
            try {
                r = new PerplexityCalculator(session).compute(tokens, o.model_.contextLength, bos,
                        (chunk, chunks, ppl) -> {
                            context.err().printf(Locale.ROOT, "[%d/%d] %.4f%n", chunk + 1, chunks, ppl);
                            if (context.cancelled()) session.cancel();
                        });
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(e.getMessage());
            }
            context.err().println(r.summary());
            context.out().printf(Locale.ROOT, "PPL = %.4f%n", r.ppl());
        }
        return OK;
    }
}
