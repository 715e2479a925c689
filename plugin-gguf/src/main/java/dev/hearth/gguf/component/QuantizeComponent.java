package dev.hearth.gguf.component;

import java.util.List;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.gguf.quantize.QuantizeCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth quantize} ({@link QuantizeCommand}). */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=quantize")
public final class QuantizeComponent implements HearthCommand {

    private final QuantizeCommand command = new QuantizeCommand();

    @Override
    public String name() {
        return command.name();
    }

    @Override
    public String summary() {
        return command.summary();
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        return command.execute(context, args);
    }
}
