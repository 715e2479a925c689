package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.ChatCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth chat}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + ChatCommand.NAME)
public class ChatComponent extends ChatCommand {
}
