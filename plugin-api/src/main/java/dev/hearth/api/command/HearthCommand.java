package dev.hearth.api.command;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A command of {@code bin/hearth} and of the Gogo console (scope {@code hearth}), registered as a service by any
 * bundle. The host finds commands by {@link #name()}; adding a plugin adds its commands without a change in the host.
 */
@ProviderType
public interface HearthCommand {

    /** Exit code of a command that did its job. */
    int OK = 0;
    /** Exit code of a command that failed (bad file, missing backend, error while running). */
    int FAILURE = 1;
    /** Exit code of a command called with bad arguments. */
    int USAGE = 2;

    /** Service property carrying {@link #name()}. */
    String PROP_NAME = "hearth.command";

    /** Name typed by the user, e.g. {@code run}. */
    String name();

    /** One line for the command list. */
    String summary();

    /**
     * Runs the command. Errors the user can act on are written to {@code context.err()} as one line and answered
     * with {@link #FAILURE} or {@link #USAGE}; unexpected exceptions propagate and the host reports them.
     */
    int execute(CommandContext context, List<String> args) throws Exception;
}
