package dev.hearth.benchmark.component;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.benchmark.cli.BenchCommand;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Registers the {@code bench} command. Holds dynamic, multiple, greedy references to every {@link Backend} and
 * {@link ModelFormat} service: the lists are live, so a backend installed while the host runs is measured by the
 * next run, and one removed during a run drops out of the list, which the runner reports as gone.
 */
@Component(service = HearthCommand.class, property = HearthCommand.PROP_NAME + "=bench",
        configurationPid = "dev.hearth.benchmark", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = BenchConfig.class)
public final class BenchComponent implements HearthCommand {

    private final List<Backend> backends = new CopyOnWriteArrayList<>();
    private final List<ModelFormat> formats = new CopyOnWriteArrayList<>();
    private final BenchCommand command;

    @Activate
    public BenchComponent(BenchConfig config) {
        Path model = config.defaultModels().isBlank() ? BenchCommand.standardDefaultModels()
                : Path.of(config.defaultModels());
        this.command = new BenchCommand(() -> List.copyOf(backends), () -> List.copyOf(formats), model);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(Backend b) {
        backends.add(b);
    }

    void unbindBackend(Backend b) {
        backends.remove(b);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindFormat(ModelFormat f) {
        formats.add(f);
    }

    void unbindFormat(ModelFormat f) {
        formats.remove(f);
    }

    @Override
    public String name() {
        return command.name();
    }

    @Override
    public String summary() {
        return command.summary();
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        return command.execute(context, args);
    }
}
