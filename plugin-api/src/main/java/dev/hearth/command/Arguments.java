package dev.hearth.command;

import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalInt;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import picocli.CommandLine;

/** Parses a command's arguments into a picocli {@code @Command} options object, the same way for every command. */
public final class Arguments {

    private Arguments() {
    }

    /**
     * Parses {@code args} into {@code options}. Returns empty when the command should run; otherwise the exit code
     * to return: {@link HearthCommand#OK} after printing the help that {@code --help} asked for, or
     * {@link HearthCommand#USAGE} after one error line and the usage on {@code context.err()}.
     */
    public static OptionalInt parse(Object options, List<String> args, CommandContext context) {
        CommandLine cl = new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            context.err().println("hearth " + cl.getCommandName() + ": " + e.getMessage());
            cl.usage(new PrintWriter(context.err(), true));
            return OptionalInt.of(HearthCommand.USAGE);
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(new PrintWriter(context.out(), true));
            return OptionalInt.of(HearthCommand.OK);
        }
        return OptionalInt.empty();
    }
}
