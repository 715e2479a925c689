package dev.hearth.gguf.component;

import java.util.List;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.gguf.synth.SynthCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth synth} ({@link SynthCommand}). */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=synth")
public final class SynthComponent implements HearthCommand {

    private final SynthCommand command = new SynthCommand();

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
