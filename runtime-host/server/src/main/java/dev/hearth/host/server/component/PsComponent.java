package dev.hearth.host.server.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.server.commands.PsCommand;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth ps}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + PsCommand.NAME)
public class PsComponent extends PsCommand {
    @Activate
    public PsComponent(BundleContext context) {
        super(() -> CommandComponents.settings(context));
    }
}
