package dev.hearth.gguf.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.gguf.quantize.QuantizeCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth quantize} ({@link QuantizeCommand}). */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=quantize")
public class QuantizeComponent extends QuantizeCommand {
}
