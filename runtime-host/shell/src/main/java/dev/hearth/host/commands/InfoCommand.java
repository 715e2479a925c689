package dev.hearth.host.commands;

import java.util.List;
import java.util.Optional;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;

/** {@code hearth info FILE|DIR}: the summary the claiming format gives of a model, without loading its weights. */
public class InfoCommand implements HearthCommand {
    public static final String NAME = "info";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Describe a model file or folder (architecture, size, quantization, tokenizer)";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Optional<String> arg = ModelPaths.onePath(context, NAME, args);
        if (arg.isEmpty()) {
            return USAGE;
        }
        Optional<ModelPaths.Claimed> claimed = ModelPaths.claim(context, NAME, arg.get());
        if (claimed.isEmpty()) {
            return FAILURE;
        }
        String text = claimed.get().format().info(claimed.get().path());
        context.out().println(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
        return OK;
    }
}
