package dev.hearth.gguf.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.gguf.synth.SynthCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth synth} ({@link SynthCommand}). */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=synth")
public class SynthComponent extends SynthCommand {
}
