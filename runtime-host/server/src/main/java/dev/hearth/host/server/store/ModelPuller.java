package dev.hearth.host.server.store;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code hearth pull ORG/REPO[:FILE]}: puts a model from the Hugging Face hub into the models folder.
 * <ul>
 *   <li>{@code ORG/REPO:FILE}: that one file, saved as {@code models/<file name>};</li>
 *   <li>{@code ORG/REPO} with exactly one {@code .gguf} file: that file; with several: an error listing them;</li>
 *   <li>{@code ORG/REPO} with SafeTensors weights and a {@code config.json}: the files a Hugging Face folder needs
 *       (config, tokenizer, weights), saved as the folder {@code models/<REPO>}, built under a temporary name and
 *       renamed when every file is verified.</li>
 * </ul>
 * A file already there with the published digest is not downloaded again.
 */
public final class ModelPuller {
    private static final Set<String> FOLDER_FILES = Set.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model", "model.safetensors.index.json");

    private final HubClient hub;
    private final ModelStore store;
    private final PrintStream out;

    public ModelPuller(HubClient hub, ModelStore store, PrintStream out) {
        this.hub = hub;
        this.store = store;
        this.out = out;
    }

    /** A parsed {@code ORG/REPO[:FILE]}. */
    public record Spec(String repo, String file) {
        public static Spec parse(String s) {
            int colon = s.indexOf(':');
            String repo = colon < 0 ? s : s.substring(0, colon);
            String file = colon < 0 ? null : s.substring(colon + 1);
            HubClient.checkRepo(repo);
            if (file != null) HubClient.checkFile(file);
            return new Spec(repo, file);
        }
    }

    /** Pulls and returns the model's path in the folder. */
    public Path pull(Spec spec) throws IOException {
        List<HubClient.HubFile> files = hub.files(spec.repo());
        if (spec.file() != null) {
            HubClient.HubFile f = files.stream().filter(x -> x.name().equals(spec.file())).findFirst()
                    .orElseThrow(() -> new IOException(spec.repo() + " has no file " + spec.file() + suggest(files)));
            return pullFile(spec.repo(), f, store.dir().resolve(baseName(f.name())));
        }
        List<HubClient.HubFile> ggufs = files.stream().filter(f -> f.name().toLowerCase(Locale.ROOT)
                .endsWith(ModelStore.GGUF)).toList();
        if (ggufs.size() == 1) return pullFile(spec.repo(), ggufs.getFirst(),
                store.dir().resolve(baseName(ggufs.getFirst().name())));
        if (ggufs.size() > 1) {
            throw new IOException(spec.repo() + " has " + ggufs.size() + " GGUF files; name one: hearth pull "
                    + spec.repo() + ":FILE" + suggest(ggufs));
        }
        boolean safetensors = files.stream().anyMatch(f -> f.name().endsWith(".safetensors"));
        boolean config = files.stream().anyMatch(f -> f.name().equals("config.json"));
        if (safetensors && config) return pullFolder(spec.repo(), files);
        throw new IOException(spec.repo() + " has neither a GGUF file nor SafeTensors weights with a config.json");
    }

    private Path pullFile(String repo, HubClient.HubFile f, Path target) throws IOException {
        ModelStore.checkName(target.getFileName().toString());
        if (Files.isRegularFile(target) && f.checksum() != null && f.checksum().matches(target)) {
            out.println(target.getFileName() + " is up to date (" + f.checksum() + ")");
            return target;
        }
        if (f.checksum() == null) out.println("warning: the hub publishes no digest for " + f.name()
                + "; only its size is checked");
        hub.downloader().fetch(hub.resolve(repo, f.name()), target, f.checksum(), f.size());
        out.println(target.getFileName() + ": " + Progress.size(Files.size(target)) + ", verified "
                + (f.checksum() == null ? "(size only)" : f.checksum().toString()));
        return target;
    }

    private Path pullFolder(String repo, List<HubClient.HubFile> files) throws IOException {
        String name = repo.substring(repo.indexOf('/') + 1);
        ModelStore.checkName(name);
        Path target = store.dir().resolve(name);
        Path work = store.dir().resolve(ModelStore.PARTIAL_PREFIX + name + ".pulling");
        Files.createDirectories(work);
        for (HubClient.HubFile f : files) {
            String base = baseName(f.name());
            if (f.name().contains("/") || !(FOLDER_FILES.contains(base) || base.endsWith(".safetensors"))) continue;
            pullFile(repo, f, work.resolve(base));
        }
        if (Files.exists(target)) {
            throw new IOException(name + " exists in " + store.dir() + "; remove it first (hearth rm " + name
                    + ") — the new download is kept in " + work);
        }
        Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static String baseName(String file) {
        return file.substring(file.lastIndexOf('/') + 1);
    }

    private static String suggest(List<HubClient.HubFile> files) {
        Optional<String> list = files.stream().map(HubClient.HubFile::name).limit(12)
                .reduce((a, b) -> a + ", " + b);
        return list.map(l -> " (" + l + (files.size() > 12 ? ", …" : "") + ")").orElse("");
    }
}
