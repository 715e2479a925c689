package dev.hearth.host.server.store;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maven coordinates {@code mvn:GROUP:ARTIFACT:VERSION} and where a Maven 2 repository keeps them:
 * {@code {base}/{group with dots as slashes}/{artifact}/{version}/{artifact}-{version}.jar}, its SHA-1 beside it in
 * {@code .jar.sha1}, and the versions in {@code {base}/{group}/{artifact}/maven-metadata.xml}.
 */
public record MavenArtifact(String group, String artifact, String version) {
    public static final String PREFIX = "mvn:";
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern VERSION_TAG = Pattern.compile("<version>\\s*([^<\\s]+)\\s*</version>");
    private static final Pattern RELEASE_TAG = Pattern.compile("<release>\\s*([^<\\s]+)\\s*</release>");

    public MavenArtifact {
        for (String p : List.of(group, artifact)) check(p);
        if (version != null) check(version);
    }

    private static void check(String p) {
        if (!PART.matcher(p).matches() || p.contains("..")) {
            throw new IllegalArgumentException("'" + p + "' is not a Maven group, artifact or version");
        }
    }

    /** {@code mvn:G:A:V}, or {@code mvn:G:A} (version null: the latest release). */
    public static MavenArtifact parse(String spec) {
        if (!spec.startsWith(PREFIX)) throw new IllegalArgumentException("not mvn:GROUP:ARTIFACT:VERSION: " + spec);
        String[] p = spec.substring(PREFIX.length()).split(":", -1);
        if (p.length != 2 && p.length != 3) {
            throw new IllegalArgumentException("expected mvn:GROUP:ARTIFACT:VERSION, was '" + spec + "'");
        }
        return new MavenArtifact(p[0], p[1], p.length == 3 ? p[2] : null);
    }

    public MavenArtifact withVersion(String v) {
        return new MavenArtifact(group, artifact, v);
    }

    private String dir(String base) {
        return base.replaceAll("/+$", "") + "/" + group.replace('.', '/') + "/" + artifact;
    }

    public URI jar(String base) {
        return URI.create(dir(base) + "/" + version + "/" + artifact + "-" + version + ".jar");
    }

    public URI sha1(String base) {
        return URI.create(jar(base) + ".sha1");
    }

    public URI metadata(String base) {
        return URI.create(dir(base) + "/maven-metadata.xml");
    }

    /** The newest release named by a {@code maven-metadata.xml}: {@code <release>}, else the last {@code <version>}. */
    public static String latest(String metadataXml) {
        Matcher r = RELEASE_TAG.matcher(metadataXml);
        if (r.find()) return r.group(1);
        List<String> versions = new ArrayList<>();
        Matcher v = VERSION_TAG.matcher(metadataXml);
        while (v.find()) versions.add(v.group(1));
        if (versions.isEmpty()) throw new IllegalArgumentException("maven-metadata.xml lists no version");
        return versions.getLast();
    }

    /** The first word of a {@code .sha1} file (some also name the file after the digest). */
    public static Checksum parseSha1(String text) {
        String t = text.strip();
        int space = t.indexOf(' ');
        return new Checksum(Checksum.Kind.SHA1, space < 0 ? t : t.substring(0, space));
    }

    @Override
    public String toString() {
        return PREFIX + group + ":" + artifact + (version == null ? "" : ":" + version);
    }
}
