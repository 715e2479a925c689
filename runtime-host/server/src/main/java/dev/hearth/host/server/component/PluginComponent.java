package dev.hearth.host.server.component;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.server.commands.PluginCommand;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Registers {@code hearth plugin}. */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=" + PluginCommand.NAME)
public class PluginComponent extends PluginCommand {
    @Activate
    public PluginComponent(BundleContext context) {
        super(() -> CommandComponents.settings(context), () -> CommandComponents.deploy(context));
    }
}
