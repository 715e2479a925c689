package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.RunCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth run}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + RunCommand.NAME)
public class RunComponent extends RunCommand {
}
