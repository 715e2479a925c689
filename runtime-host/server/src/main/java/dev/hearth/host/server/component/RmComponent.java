package dev.hearth.host.server.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.server.commands.RmCommand;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth rm}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + RmCommand.NAME)
public class RmComponent extends RmCommand {
    @Activate
    public RmComponent(BundleContext context) {
        super(() -> CommandComponents.settings(context));
    }
}
