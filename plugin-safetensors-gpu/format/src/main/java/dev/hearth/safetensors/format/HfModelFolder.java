package dev.hearth.safetensors.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.tokenizer.hf.HfTokenizerConfig;
import dev.hearth.tokenizer.hf.HfTokenizers;

/**
 * A Hugging Face model folder opened for use: {@code config.json}, the optional {@code generation_config.json} and
 * {@code tokenizer_config.json}, and the SafeTensors checkpoint (mapped), checked against the config. Closing it
 * unmaps the weights.
 */
public final class HfModelFolder implements AutoCloseable {
    private final Path folder;
    private final HfConfig config;
    private final Optional<HfGenerationConfig> generationConfig;
    private final Optional<HfTokenizerConfig> tokenizerConfig;
    private final SafetensorsCheckpoint checkpoint;

    private HfModelFolder(Path folder, HfConfig config, Optional<HfGenerationConfig> generationConfig,
            Optional<HfTokenizerConfig> tokenizerConfig, SafetensorsCheckpoint checkpoint) {
        this.folder = folder;
        this.config = config;
        this.generationConfig = generationConfig;
        this.tokenizerConfig = tokenizerConfig;
        this.checkpoint = checkpoint;
    }

    /** Whether {@code folder} looks like a model folder: config.json and a checkpoint. */
    public static boolean isModelFolder(Path folder) {
        return Files.isDirectory(folder) && Files.isRegularFile(folder.resolve(HfConfig.FILE_NAME))
                && SafetensorsCheckpoint.present(folder);
    }

    /**
     * Opens and checks a model folder.
     *
     * @throws SafetensorsException naming the file and field at the first problem: a config field, a header, a
     *                              tensor that disagrees with the config
     */
    public static HfModelFolder open(Path folder) throws IOException {
        HfConfig config = HfConfig.read(folder.resolve(HfConfig.FILE_NAME));
        Optional<HfGenerationConfig> generation = readGenerationConfig(folder);
        Optional<HfTokenizerConfig> tokenizer = readTokenizerConfig(folder);
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(folder);
        try {
            HfConsistency.require(config, ckpt);
            return new HfModelFolder(folder, config, generation, tokenizer, ckpt);
        } catch (IOException | RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    static Optional<HfGenerationConfig> readGenerationConfig(Path folder) throws IOException {
        Path f = folder.resolve(HfGenerationConfig.FILE_NAME);
        return Files.isRegularFile(f) ? Optional.of(HfGenerationConfig.read(f)) : Optional.empty();
    }

    static Optional<HfTokenizerConfig> readTokenizerConfig(Path folder) throws IOException {
        Path f = folder.resolve(HfTokenizers.TOKENIZER_CONFIG);
        return Files.isRegularFile(f) ? Optional.of(HfTokenizerConfig.read(f)) : Optional.empty();
    }

    public Path folder() { return folder; }

    public HfConfig config() { return config; }

    public Optional<HfGenerationConfig> generationConfig() { return generationConfig; }

    public Optional<HfTokenizerConfig> tokenizerConfig() { return tokenizerConfig; }

    public SafetensorsCheckpoint checkpoint() { return checkpoint; }

    /** The folder's tokenizer ({@code tokenizer.json}, else {@code tokenizer.model}). */
    public Tokenizer tokenizer() throws IOException {
        return HfTokenizers.load(folder);
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
