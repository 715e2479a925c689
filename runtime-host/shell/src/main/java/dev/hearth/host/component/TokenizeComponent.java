package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.TokenizeCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth tokenize}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + TokenizeCommand.NAME)
public class TokenizeComponent extends TokenizeCommand {
}
