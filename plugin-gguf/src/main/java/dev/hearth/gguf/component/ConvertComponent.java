package dev.hearth.gguf.component;

import java.util.List;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.gguf.convert.ConvertCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth convert} ({@link ConvertCommand}). */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=convert")
public final class ConvertComponent implements HearthCommand {

    private final ConvertCommand command = new ConvertCommand();

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
