package dev.hearth.host.commands;

import java.util.List;
import java.util.OptionalInt;
import java.util.StringJoiner;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.command.Arguments;
import dev.hearth.command.Models;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hearth tokenize MODEL [--no-bos] (-p TEXT | -f FILE)}: the token ids on one line, space-separated. */
public class TokenizeCommand implements HearthCommand {
    public static final String NAME = "tokenize";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "Print the token ids of a text")
    static final class Options {
        @Parameters(index = "0", paramLabel = "MODEL", description = "model file or folder")
        String model;

        @ArgGroup(multiplicity = "1")
        RunCommand.Prompt prompt;

        @Option(names = "--no-bos", description = "do not add the beginning-of-sequence token")
        boolean noBos;

        @Option(names = "--no-parse-special", description = "treat special-token text such as <s> as plain text")
        boolean noParseSpecial;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Print the token ids of a text with a model's tokenizer";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        String text = o.prompt.text != null ? o.prompt.text : RunCommand.readPrompt(context, o.prompt.file);
        Models.Resolved r = Models.resolve(context, o.model);
        Tokenizer tokenizer = r.format().tokenizer(r.path());
        StringJoiner ids = new StringJoiner(" ");
        for (int id : tokenizer.encode(text, !o.noBos, !o.noParseSpecial)) ids.add(Integer.toString(id));
        context.out().println(ids);
        return OK;
    }
}
