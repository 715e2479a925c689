package dev.hearth.safetensors.onnx.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelFileException;
import dev.hearth.safetensors.format.HfModelFolder;
import dev.hearth.safetensors.onnx.OnnxExport;
import dev.hearth.safetensors.onnx.OnnxExportCache;
import dev.hearth.safetensors.onnx.OnnxExportOptions;
import dev.hearth.safetensors.onnx.OnnxExporter;
import dev.hearth.safetensors.onnx.OnnxPrecision;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth export HF_DIR --out DIR [--precision fp32|fp16|int4] [--block-size 32|128] [--fused]}: writes {@code model.onnx} and its
 * external weights into DIR. Plain logic: the DS component in {@code component} registers it.
 */
public final class ExportCommand implements HearthCommand {

    @Command(name = "export", description = "Export a Hugging Face SafeTensors model folder to an ONNX graph.")
    static final class Options {
        @Parameters(index = "0", paramLabel = "HF_DIR", description = "model folder with config.json and *.safetensors")
        String model;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write model.onnx into")
        String out;

        @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
                description = "fp32 (CPU), fp16 (GPU providers) or int4 (4-bit linear layers, MatMulNBits); default ${DEFAULT-VALUE}")
        String precision;

        @Option(names = "--block-size", paramLabel = "B", defaultValue = "32",
                description = "int4 only: weights per quantization block, 32 or 128; default ${DEFAULT-VALUE}")
        int blockSize;

        @Option(names = "--accuracy-level", paramLabel = "L", defaultValue = "0",
                description = "int4 only: MatMulNBits accuracy_level, 0 (F32 compute) to 4 (int8 activations, faster "
                        + "on CPU); default ${DEFAULT-VALUE}")
        int accuracyLevel;

        @Option(names = "--fused", description = "use ONNX Runtime's com.microsoft fused operators (GroupQueryAttention, SimplifiedLayerNormalization)")
        boolean fused;

        @Option(names = "--copy", description = "copy every weight into weights.bin instead of hard-linking the .safetensors files")
        boolean copy;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;
    }

    @Override
    public String name() { return "export"; }

    @Override
    public String summary() { return "export a SafeTensors model folder to ONNX (fp32, fp16, int4; plain or fused operators)"; }

    @Override
    public int execute(CommandContext ctx, List<String> args) throws IOException {
        Options o = new Options();
        CommandLine cl = new CommandLine(o);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            ctx.err().println("export: " + e.getMessage() + " (see hearth export --help)");
            return USAGE;
        }
        if (o.help) {
            cl.usage(ctx.out());
            return OK;
        }
        OnnxExportOptions options;
        try {
            options = new OnnxExportOptions(OnnxPrecision.parse(o.precision), o.fused, o.blockSize, o.accuracyLevel);
        } catch (IllegalArgumentException e) {
            ctx.err().println("export: " + e.getMessage());
            return USAGE;
        }
        Path model = ctx.resolve(o.model);
        Path out = ctx.resolve(o.out);
        if (!HfModelFolder.isModelFolder(model)) {
            ctx.err().println("export: " + model + " is not a model folder (config.json and model.safetensors or "
                    + "model.safetensors.index.json)");
            return FAILURE;
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            ctx.err().println("export: --out " + out + " exists and is not a folder");
            return FAILURE;
        }
        long start = System.nanoTime();
        try (HfModelFolder folder = HfModelFolder.open(model)) {
            OnnxExport e = new OnnxExporter(!o.copy).export(folder, out, options, OnnxExportCache.key(folder, options));
            ctx.out().printf("exported %s (%s) to %s in %.1f s: %d weight bytes read in place from .safetensors, "
                            + "%d bytes written to weights.bin%n", model.getFileName(), options.label(), e.modelFile(),
                    (System.nanoTime() - start) / 1e9, e.linkedBytes(), e.copiedBytes());
            return OK;
        } catch (ModelFileException e) {
            ctx.err().println("export: " + e.getMessage());
            return FAILURE;
        }
    }
}
