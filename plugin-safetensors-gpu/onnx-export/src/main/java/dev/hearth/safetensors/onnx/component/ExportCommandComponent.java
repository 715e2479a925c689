package dev.hearth.safetensors.onnx.component;

import java.util.List;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.safetensors.onnx.cli.ExportCommand;

import org.osgi.service.component.annotations.Component;

/** Registers the {@code export} command; all logic is in {@link ExportCommand}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=export")
public final class ExportCommandComponent implements HearthCommand {
    private final ExportCommand command = new ExportCommand();

    @Override
    public String name() { return command.name(); }

    @Override
    public String summary() { return command.summary(); }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        return command.execute(context, args);
    }
}
