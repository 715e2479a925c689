package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.InfoCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth info}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + InfoCommand.NAME)
public class InfoComponent extends InfoCommand {
}
