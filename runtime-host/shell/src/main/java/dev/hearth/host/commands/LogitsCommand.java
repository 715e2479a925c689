package dev.hearth.host.commands;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalInt;

import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.session.Session;
import dev.hearth.command.Arguments;
import dev.hearth.command.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth logits MODEL --prompt-file F --out FILE}: the logits of every prompt position (tokenised with BOS),
 * little endian: int32 n_tokens, int32 n_vocab, int32 tokens[n_tokens], float32 logits[n_tokens][n_vocab]. The
 * output is written to a temporary name and renamed when complete.
 */
public class LogitsCommand implements HearthCommand {
    public static final String NAME = "logits";

    @Command(name = NAME, mixinStandardHelpOptions = true, description = "Write the logits of every prompt position")
    static final class Options {
        @Parameters(index = "0", paramLabel = "MODEL", description = "model file or folder")
        String model;

        @Option(names = "--prompt-file", required = true, paramLabel = "FILE", description = "the prompt (UTF-8)")
        String promptFile;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the logits")
        String out;

        @Option(names = "--no-bos", description = "do not add the beginning-of-sequence token")
        boolean noBos;

        @Mixin
        ModelOptions model_ = new ModelOptions();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Write the logits of every prompt position to a binary file";
    }

    @Override
    public int execute(CommandContext context, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, context);
        if (early.isPresent()) return early.getAsInt();
        String prompt = RunCommand.readPrompt(context, o.promptFile);
        Path out = context.resolve(o.out);
        try (LoadedModel model = Models.load(context, o.model, o.model_.backend, o.model_.loadOptions());
             Session session = model.newSession()) {
            int[] tokens = model.tokenizer().encode(prompt, !o.noBos, false);
            Path tmp = out.resolveSibling(out.getFileName() + ".part");
            try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                IOException[] failure = new IOException[1];
                session.evaluate(tokens, 0, tokens.length, Session.LogitsMode.ALL, (i, logits) -> {
                    if (failure[0] != null) return;
                    try {
                        if (i == 0) { // the header, now that the width of a row is known
                            writeInt(data, tokens.length);
                            writeInt(data, logits.length);
                            for (int t : tokens) writeInt(data, t);
                        }
                        ByteBuffer row = ByteBuffer.allocate(logits.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                        row.asFloatBuffer().put(logits);
                        data.write(row.array());
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                });
                if (failure[0] != null) throw failure[0];
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            context.err().println(out + ": logits of " + tokens.length + " positions (" + model.backendId() + ")");
        }
        return OK;
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }
}
