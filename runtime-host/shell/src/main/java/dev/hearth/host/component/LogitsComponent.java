package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.LogitsCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth logits}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + LogitsCommand.NAME)
public class LogitsComponent extends LogitsCommand {
}
