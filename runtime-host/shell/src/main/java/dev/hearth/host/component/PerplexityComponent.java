package dev.hearth.host.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.commands.PerplexityCommand;

import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth perplexity}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + PerplexityCommand.NAME)
public class PerplexityComponent extends PerplexityCommand {
}
