package dev.hearth.safetensors.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import dev.hearth.safetensors.format.HfConfig;
import dev.hearth.safetensors.format.HfModelFolder;
import dev.hearth.safetensors.format.SafetensorsFile;

/**
 * Exports kept in a cache folder, one sub-folder per key: {@code <name>-<options>-<key>}. The key is a checksum
 * (CRC32C, hardware-accelerated: about 1 s for 2 GB) of every {@code .safetensors} file and {@code config.json},
 * with the export options and {@link OnnxExporter#GRAPH_VERSION}; a second load of the same weights with the same
 * options finds the folder and exports nothing. A folder is complete when its {@value #STAMP} exists: exports are
 * written to a temporary folder and renamed into place, so a crash never leaves a half export that looks complete.
 */
public final class OnnxExportCache {
    static final String STAMP = "export.properties";

    private final Path root;
    private final OnnxExporter exporter;

    public OnnxExportCache(Path root, OnnxExporter exporter) {
        this.root = root;
        this.exporter = exporter;
    }

    /** {@code ~/.hearth/cache/onnx}. */
    public static Path defaultRoot() {
        return Path.of(System.getProperty("user.home"), ".hearth", "cache", "onnx");
    }

    public Path root() { return root; }

    /** The export of {@code model} with {@code options}: reused when cached, else made now. */
    public OnnxExport getOrExport(HfModelFolder model, OnnxExportOptions options) throws IOException {
        String key = key(model, options);
        String name = model.folder().toAbsolutePath().normalize().getFileName() + "-" + options.label() + "-" + key;
        Path dir = root.resolve(name);
        if (complete(dir)) {
            Properties p = read(dir);
            return new OnnxExport(dir, options, key, true, Long.parseLong(p.getProperty("linked.bytes", "0")),
                    Long.parseLong(p.getProperty("copied.bytes", "0")));
        }
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, name + ".tmp-");
        try {
            OnnxExport e = exporter.export(model, tmp, options, key);
            Properties p = new Properties();
            p.setProperty("key", key);
            p.setProperty("options", options.label());
            p.setProperty("source", model.folder().toAbsolutePath().toString());
            p.setProperty("graph.version", Integer.toString(OnnxExporter.GRAPH_VERSION));
            p.setProperty("linked.bytes", Long.toString(e.linkedBytes()));
            p.setProperty("copied.bytes", Long.toString(e.copiedBytes()));
            try (OutputStream os = Files.newOutputStream(tmp.resolve(STAMP))) {
                p.store(os, "Hearth ONNX export");
            }
            deleteTree(dir); // an incomplete or stale one
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                if (!complete(dir)) {
                    throw raced;
                }
                deleteTree(tmp); // another process finished the same export first
            }
            return new OnnxExport(dir, options, key, false, e.linkedBytes(), e.copiedBytes());
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Complete: stamped after everything else was written. */
    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(STAMP)) && Files.isRegularFile(dir.resolve(OnnxExport.MODEL_FILE));
    }

    private static Properties read(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(STAMP))) {
            p.load(in);
        }
        return p;
    }

    /** CRC32C of the weights and config, with the options and graph version: 16 hex digits. */
    public static String key(HfModelFolder model, OnnxExportOptions options) throws IOException {
        CRC32C crc = new CRC32C();
        for (SafetensorsFile f : model.checkpoint().files()) {
            checksum(f.file(), crc);
        }
        checksum(model.folder().resolve(HfConfig.FILE_NAME), crc);
        long weights = crc.getValue();
        CRC32C opts = new CRC32C();
        opts.update((options.label() + "/graph-" + OnnxExporter.GRAPH_VERSION).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits(weights).substring(8) + HexFormat.of().toHexDigits(opts.getValue()).substring(8);
    }

    private static void checksum(Path file, CRC32C crc) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(b.clear()) > 0) {
                crc.update(b.flip());
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
