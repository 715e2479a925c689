package dev.hearth.gguf.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.gguf.convert.ConvertCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth convert} ({@link ConvertCommand}). */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=convert")
public class ConvertComponent extends ConvertCommand {
}
