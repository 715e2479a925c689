package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.HelpCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth help}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + HelpCommand.NAME)
public class HelpComponent extends HelpCommand {
}
