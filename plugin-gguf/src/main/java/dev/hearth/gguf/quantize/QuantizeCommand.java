package dev.hearth.gguf.quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.command.Arguments;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufFileType;
import dev.hearth.gguf.writer.Progress;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hearth quantize IN.gguf OUT.gguf TYPE [--threads N]}. */
public class QuantizeCommand implements HearthCommand {

    @Command(name = "quantize", mixinStandardHelpOptions = true, description = "Quantize a GGUF model (like llama.cpp's llama-quantize).")
    static final class Options {
        @Parameters(index = "0", paramLabel = "IN.gguf", description = "model to quantize (F32, F16, BF16 or quantized)")
        String in;
        @Parameters(index = "1", paramLabel = "OUT.gguf", description = "file to write (written under a temporary name, renamed at the end)")
        String out;
        @Parameters(index = "2", paramLabel = "TYPE", description = "F32, F16, BF16, Q8_0, Q4_0, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K (Q4_K = Q4_K_M, Q5_K = Q5_K_M)")
        String type;
        @Option(names = "--threads", description = "threads (default: all cores)")
        int threads;
    }

    @Override
    public String name() { return "quantize"; }

    @Override
    public String summary() { return "quantize a GGUF model: IN.gguf OUT.gguf Q4_K_M|Q5_K_M|Q8_0|Q4_0|Q6_K|F16..."; }

    @Override
    public int execute(CommandContext ctx, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, ctx);
        if (early.isPresent()) return early.getAsInt();
        QuantMix mix = QuantMix.parse(o.type).orElse(null);
        if (mix == null) {
            ctx.err().println("quantize: unknown type '" + o.type + "'; known: " + QuantMix.names());
            return USAGE;
        }
        if (o.threads < 0) {
            ctx.err().println("quantize: --threads must be >= 0");
            return USAGE;
        }
        Path in = ctx.resolve(o.in);
        Path out = ctx.resolve(o.out);
        if (!Files.isRegularFile(in)) {
            ctx.err().println("quantize: " + in + " is not a file");
            return FAILURE;
        }
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            ctx.err().println("quantize: the output must not be the input");
            return USAGE;
        }
        long t0 = System.nanoTime();
        try (GgufFile file = GgufFile.open(in); RowQuantizer rows = new RowQuantizer(o.threads)) {
            new ModelQuantizer(rows).quantize(file, out, mix, Progress.lines(ctx.err(), "quantize"));
        } catch (IOException | IllegalArgumentException e) {
            ctx.err().println("quantize: " + e.getMessage());
            return FAILURE;
        }
        ctx.out().printf("quantize: wrote %s (%s, %.1f MB) in %.1f s%n", out, GgufFileType.label(mix.fileType()),
                Files.size(out) / 1e6, (System.nanoTime() - t0) / 1e9);
        return OK;
    }
}
