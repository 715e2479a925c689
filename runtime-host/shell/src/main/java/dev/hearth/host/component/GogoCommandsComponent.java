package dev.hearth.host.component;

import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.hearth.api.command.HearthCommand;
import dev.hearth.host.console.GogoCommand;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Makes every {@link HearthCommand} service a Gogo command in scope {@code hearth}: for each one, a Gogo
 * {@link Function} service with {@code osgi.command.scope=hearth} and {@code osgi.command.function=<name>}, removed
 * with the command. Gogo 1.1.6 (CommandProxy) calls Function targets directly with the session.
 */
@Component(immediate = true)
public class GogoCommandsComponent {
    static final String SCOPE = "hearth";

    private final BundleContext context;
    private final Map<ServiceReference<HearthCommand>, ServiceRegistration<Function>> registrations =
            new ConcurrentHashMap<>();

    @Activate
    public GogoCommandsComponent(BundleContext context) {
        this.context = context;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeCommand")
    void addCommand(ServiceReference<HearthCommand> ref, HearthCommand command) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(CommandProcessor.COMMAND_SCOPE, SCOPE);
        props.put(CommandProcessor.COMMAND_FUNCTION, command.name());
        GogoCommand function = new GogoCommand(command, () -> new TrackerLookup(context),
                CliComponent.timeout(context.getProperty(CliComponent.TIMEOUT_PROPERTY)));
        registrations.put(ref, context.registerService(Function.class, function, props));
    }

    void removeCommand(ServiceReference<HearthCommand> ref) {
        ServiceRegistration<Function> reg = registrations.remove(ref);
        if (reg != null) {
            unregister(reg);
        }
    }

    @Deactivate
    void deactivate() {
        registrations.values().forEach(GogoCommandsComponent::unregister);
        registrations.clear();
    }

    private static void unregister(ServiceRegistration<?> reg) {
        try {
            reg.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }
}
