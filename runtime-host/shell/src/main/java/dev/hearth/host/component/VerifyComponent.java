package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.VerifyCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth verify}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + VerifyCommand.NAME)
public class VerifyComponent extends VerifyCommand {
}
