package dev.hearth.host.server.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.server.commands.ModelsCommand;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth models}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + ModelsCommand.NAME)
public class ModelsComponent extends ModelsCommand {
    @Activate
    public ModelsComponent(BundleContext context) {
        super(() -> CommandComponents.settings(context));
    }
}
