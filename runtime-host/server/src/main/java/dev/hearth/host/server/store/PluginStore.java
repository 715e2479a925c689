package dev.hearth.host.server.store;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The plugins in {@code deploy/}, the folder the running host watches (Apache Felix FileInstall): a jar written
 * there is installed and started within about a second, a jar replaced is updated, a jar deleted is uninstalled.
 * Installing writes the bundle as {@code <Bundle-SymbolicName>.jar} (under a temporary name first, then renamed, so
 * the host never sees half a jar) and remembers where it came from in {@value #INDEX}, which {@code update} reads.
 *
 * <p>Sources: a jar path; an {@code http(s)} URL (checked against {@code URL.sha256} or {@code URL.sha1} when the
 * server publishes one); Maven coordinates {@code mvn:G:A:V}, fetched from the configured repository and checked
 * against the {@code .sha1} it publishes (required).
 */
public final class PluginStore {
    /** Where each installed plugin came from: file name = source. Not a jar, so FileInstall ignores it. */
    public static final String INDEX = ".hearth-plugins.properties";

    private final Path deploy;
    private final String mavenBase;
    private final Downloader downloader;

    /** An installed plugin. */
    public record Plugin(String file, String symbolicName, String version, String source) {}

    public PluginStore(Path deploy, String mavenBase, Downloader downloader) {
        this.deploy = deploy;
        this.mavenBase = mavenBase;
        this.downloader = downloader;
    }

    public Path deploy() {
        return deploy;
    }

    public List<Plugin> list() throws IOException {
        List<Plugin> out = new ArrayList<>();
        if (!Files.isDirectory(deploy)) return out;
        Properties index = index();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(deploy, "*.jar")) {
            for (Path jar : ds) {
                if (jar.getFileName().toString().startsWith(".")) continue;
                Manifest m = manifest(jar);
                Attributes a = m == null ? new Attributes() : m.getMainAttributes();
                out.add(new Plugin(jar.getFileName().toString(), bsn(a).orElse("(not a bundle)"),
                        Optional.ofNullable(a.getValue("Bundle-Version")).orElse("0.0.0"),
                        index.getProperty(jar.getFileName().toString(), "copied by hand")));
            }
        }
        out.sort(Comparator.comparing(Plugin::symbolicName));
        return out;
    }

    /** Installs from a path, URL or {@code mvn:} coordinates; returns the plugin as written. */
    public Plugin install(String source, Path workingDirectory) throws IOException {
        Files.createDirectories(deploy);
        Path tmp = Files.createTempFile(deploy, ".install-", ".tmp");
        try {
            String recorded = fetch(source, workingDirectory, tmp);
            Manifest m = manifest(tmp);
            String bsn = bsn(m == null ? new Attributes() : m.getMainAttributes()).orElseThrow(() ->
                    new IOException(source + " is not an OSGi bundle (no Bundle-SymbolicName in its manifest)"));
            String version = Optional.ofNullable(m.getMainAttributes().getValue("Bundle-Version")).orElse("0.0.0");
            if (!bsn.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")) {
                throw new IOException(source + ": unusual Bundle-SymbolicName '" + bsn + "'");
            }
            String file = bsn + ".jar";
            // one file per bundle: a copy under another name would install the bundle twice
            for (Plugin p : list()) {
                if (p.symbolicName().equals(bsn) && !p.file().equals(file)) Files.deleteIfExists(deploy.resolve(p.file()));
            }
            Files.move(tmp, deploy.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Properties index = index();
            index.setProperty(file, recorded);
            saveIndex(index);
            return new Plugin(file, bsn, version, recorded);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(Downloader.partial(tmp));
        }
    }

    /**
     * Fetches the newest version from where the plugin came from: for {@code mvn:} the repository's latest release,
     * for URLs and paths the same source again. Returns the plugin as it is now.
     */
    public Plugin update(String name, Path workingDirectory) throws IOException {
        Plugin p = find(name);
        String source = p.source();
        if (source.startsWith(MavenArtifact.PREFIX)) {
            MavenArtifact a = MavenArtifact.parse(source);
            source = a.withVersion(latest(a)).toString();
        } else if (source.equals("copied by hand")) {
            throw new IOException(p.file() + " was not installed by 'hearth plugin install': no source to update from");
        }
        return install(source, workingDirectory);
    }

    /** The newest release of {@code a} in the repository. */
    private String latest(MavenArtifact a) throws IOException {
        String xml = downloader.text(a.metadata(mavenBase)).orElseThrow(() ->
                new IOException("no maven-metadata.xml for " + a + " in " + mavenBase));
        return MavenArtifact.latest(xml);
    }

    /** Deletes the plugin's jar: the host uninstalls it. */
    public Plugin remove(String name) throws IOException {
        Plugin p = find(name);
        Files.delete(deploy.resolve(p.file()));
        Properties index = index();
        if (index.remove(p.file()) != null) saveIndex(index);
        return p;
    }

    /** By symbolic name or file name. */
    private Plugin find(String name) throws IOException {
        return list().stream().filter(p -> p.symbolicName().equals(name) || p.file().equals(name)).findFirst()
                .orElseThrow(() -> new IOException("no plugin '" + name + "' in " + deploy
                        + " (hearth plugin list shows them)"));
    }

    /** Writes the jar to {@code tmp}; returns the source as recorded. */
    private String fetch(String source, Path workingDirectory, Path tmp) throws IOException {
        if (source.startsWith(MavenArtifact.PREFIX)) {
            MavenArtifact parsed = MavenArtifact.parse(source);
            MavenArtifact a = parsed.version() != null ? parsed : parsed.withVersion(latest(parsed));
            MavenArtifact artifact = a;
            Checksum sha1 = MavenArtifact.parseSha1(downloader.text(a.sha1(mavenBase)).orElseThrow(() ->
                    new IOException(artifact + " is not in " + mavenBase + " (no " + artifact.sha1(mavenBase) + ")")));
            downloader.fetch(a.jar(mavenBase), tmp, sha1, -1);
            return a.toString();
        }
        if (source.startsWith("http://") || source.startsWith("https://")) {
            URI url = URI.create(source);
            Checksum c = downloader.text(URI.create(source + ".sha256"))
                    .map(t -> new Checksum(Checksum.Kind.SHA256, t.strip().split("\\s+")[0]))
                    .orElse(null);
            if (c == null) {
                c = downloader.text(URI.create(source + ".sha1")).map(MavenArtifact::parseSha1).orElse(null);
            }
            downloader.fetch(url, tmp, c, -1);
            return source;
        }
        Path jar = workingDirectory.resolve(source).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) throw new IOException("no such file: " + jar);
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        return jar.toString();
    }

    private static Manifest manifest(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest();
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<String> bsn(Attributes a) {
        String v = a.getValue("Bundle-SymbolicName");
        return v == null ? Optional.empty() : Optional.of(v.split(";")[0].strip());
    }

    private Properties index() throws IOException {
        Properties p = new Properties();
        Path f = deploy.resolve(INDEX);
        if (Files.isRegularFile(f)) {
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }

    private void saveIndex(Properties p) throws IOException {
        Path tmp = deploy.resolve(INDEX + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "Where each plugin came from (hearth plugin install); read by hearth plugin update");
        }
        Files.move(tmp, deploy.resolve(INDEX), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
