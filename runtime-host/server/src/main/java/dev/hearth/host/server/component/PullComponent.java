package dev.hearth.host.server.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.server.commands.PullCommand;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth pull}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + PullCommand.NAME)
public class PullComponent extends PullCommand {
    @Activate
    public PullComponent(BundleContext context) {
        super(() -> CommandComponents.settings(context));
    }
}
