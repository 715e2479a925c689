package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.BackendsCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth backends}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + BackendsCommand.NAME)
public class BackendsComponent extends BackendsCommand {
}
