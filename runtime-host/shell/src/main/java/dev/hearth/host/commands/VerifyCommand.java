package dev.hearth.host.commands;

import java.util.List;
import java.util.Optional;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.VerificationReport;

/** {@code hearth verify FILE|DIR}: checks a model with the format that claims it and prints every problem. */
public class VerifyCommand implements HearthCommand {
    public static final String NAME = "verify";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Check a model file or folder and print every problem (exit 1 when there are any)";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Optional<String> arg = ModelPaths.onePath(context, NAME, args);
        if (arg.isEmpty()) {
            return USAGE;
        }
        Optional<ModelPaths.Claimed> claimed = ModelPaths.claim(context, NAME, arg.get());
        if (claimed.isEmpty()) {
            return FAILURE;
        }
        VerificationReport report = claimed.get().format().verify(claimed.get().path());
        String file = String.valueOf(claimed.get().path().getFileName());
        for (VerificationReport.Problem p : report.problems()) {
            context.out().println(file + ": " + p);
        }
        int n = report.problems().size();
        if (report.ok()) {
            context.out().println(file + ": OK (" + report.format() + ")" + (n == 0 ? "" : ", " + count(n, "warning")));
            return OK;
        }
        context.err().println(file + ": " + count(n, "problem") + " (" + report.format() + ")");
        return FAILURE;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
