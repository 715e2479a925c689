package dev.hearth.gguf.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The committed PTX is built from the committed kernels: each op's source hash (its .cu, then every .cuh in name
 * order) and PTX hash must match {@code manifest.txt}, written by {@code build-ptx.sh}. Content hashes rather than
 * file times, because a git checkout stamps every file with the checkout's time. A failure means: run
 * {@code plugin-gguf/cuda-engine/build-ptx.sh} (needs nvcc) and commit the PTX with the kernel change.
 */
class PtxManifestTest {

    private static final Path SRC = Path.of("src", "main", "cuda");

    @Test
    void everyKernelSourceMatchesItsCommittedPtx() throws Exception {
        Map<String, String[]> manifest = manifest();
        List<Path> cus;
        List<Path> headers;
        try (Stream<Path> s = Files.list(SRC)) {
            cus = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
        try (Stream<Path> s = Files.list(SRC)) {
            headers = s.filter(p -> p.toString().endsWith(".cuh")).sorted().toList();
        }
        assertEquals(List.of(PtxResources.OPS), cus.stream().map(p -> p.getFileName().toString().replace(".cu", ""))
                .toList(), "PtxResources.OPS lists every .cu file");
        for (Path cu : cus) {
            String op = cu.getFileName().toString().replace(".cu", "");
            String[] entry = manifest.get(op);
            assertNotNull(entry, op + ".cu has no PTX in manifest.txt: run build-ptx.sh");
            ByteArrayOutputStream src = new ByteArrayOutputStream();
            src.write(Files.readAllBytes(cu));
            for (Path h : headers) src.write(Files.readAllBytes(h));
            assertEquals(entry[0], sha256(src.toByteArray()),
                    op + ".cu (or a .cuh) changed since its PTX was built: run build-ptx.sh");
            assertEquals(entry[1], sha256(PtxResources.ptx(op)), op + ".ptx was not written by build-ptx.sh");
            assertEquals(entry[2], sha256(PtxResources.ptx(op, 90)), "sm_90/" + op + ".ptx was not written by build-ptx.sh");
        }
        assertEquals(cus.size(), manifest.size(), "manifest.txt lists an op without a .cu: " + manifest.keySet());
    }

    @Test
    void ptxTargetsCompute80AndCompute90() {
        for (String op : PtxResources.OPS) {
            assertTrue(ascii(PtxResources.ptx(op)).contains(".target sm_80"), op + ".ptx is not built for compute_80");
            assertTrue(ascii(PtxResources.ptx(op, 86)).contains(".target sm_80"), "Ampere and Ada load compute_80");
            assertTrue(ascii(PtxResources.ptx(op, 90)).contains(".target sm_90"), "sm_90/" + op + ".ptx is not compute_90");
        }
    }

    private static String ascii(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static Map<String, String[]> manifest() throws IOException {
        Map<String, String[]> m = new HashMap<>();
        try (var in = PtxResources.class.getResourceAsStream(PtxResources.FOLDER + "manifest.txt")) {
            assertNotNull(in, "manifest.txt missing: run build-ptx.sh");
            for (String line : new String(in.readAllBytes()).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.trim().split("\\s+");
                m.put(f[0], new String[] {f[1], f[2], f[3]});
            }
        }
        return m;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
