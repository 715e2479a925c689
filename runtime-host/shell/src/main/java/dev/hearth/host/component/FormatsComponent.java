package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.FormatsCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth formats}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + FormatsCommand.NAME)
public class FormatsComponent extends FormatsCommand {
}
