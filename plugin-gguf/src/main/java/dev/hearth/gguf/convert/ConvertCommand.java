package dev.hearth.gguf.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.command.Arguments;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.writer.Progress;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hearth convert HF_DIR --out FILE.gguf [--type F16|Q8_0|Q4_K_M|...] [--threads N]}. */
public class ConvertCommand implements HearthCommand {

    @Command(name = "convert", mixinStandardHelpOptions = true, description = "Convert a Llama-family Hugging Face folder to GGUF.")
    static final class Options {
        @Parameters(index = "0", paramLabel = "HF_DIR", description = "folder with config.json, model.safetensors (or shards + index), tokenizer.model or tokenizer.json")
        String folder;
        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.gguf", description = "file to write")
        String out;
        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "F16", description = "F32, F16, BF16, Q8_0, Q4_0, Q4_K_M, Q5_K_M, ... (default F16)")
        String type;
        @Option(names = "--threads", description = "threads (default: all cores)")
        int threads;
    }

    @Override
    public String name() { return "convert"; }

    @Override
    public String summary() { return "convert a Llama-family Hugging Face folder to GGUF: HF_DIR --out FILE.gguf [--type Q4_K_M]"; }

    @Override
    public int execute(CommandContext ctx, List<String> args) throws Exception {
        Options o = new Options();
        OptionalInt early = Arguments.parse(o, args, ctx);
        if (early.isPresent()) return early.getAsInt();
        QuantMix mix = QuantMix.parse(o.type).orElse(null);
        if (mix == null || o.threads < 0) {
            ctx.err().println("convert: " + (mix == null ? "unknown --type '" + o.type + "'; known: " + QuantMix.names()
                    : "--threads must be >= 0"));
            return USAGE;
        }
        Path folder = ctx.resolve(o.folder);
        Path out = ctx.resolve(o.out);
        if (!Files.isDirectory(folder)) {
            ctx.err().println("convert: " + folder + " is not a folder");
            return FAILURE;
        }
        long t0 = System.nanoTime();
        try (RowQuantizer rows = new RowQuantizer(o.threads)) {
            new HfToGgufConverter(rows).convert(folder, out, mix, Progress.lines(ctx.err(), "convert"));
        } catch (IOException | IllegalArgumentException e) {
            ctx.err().println("convert: " + e.getMessage());
            return FAILURE;
        }
        ctx.out().printf("convert: wrote %s (%s, %.1f MB) in %.1f s%n", out, mix, Files.size(out) / 1e6,
                (System.nanoTime() - t0) / 1e9);
        return OK;
    }
}
