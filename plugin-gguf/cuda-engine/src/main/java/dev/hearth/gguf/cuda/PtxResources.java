package dev.hearth.gguf.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The PTX of each kernel file, built ahead by {@code build-ptx.sh} and shipped as a resource of this bundle. */
final class PtxResources {

    /** Resource folder, relative to this class's package. */
    static final String FOLDER = "ptx/";

    /** The ops, one {@code src/main/cuda/<op>.cu} each. */
    static final String[] OPS = {"argmax", "attention", "embed", "matvec", "prompt", "prompt_attn", "quantize", "rmsnorm",
        "rope", "swiglu"};

    private PtxResources() {
    }

    static byte[] ptx(String op) {
        try (InputStream in = PtxResources.class.getResourceAsStream(FOLDER + op + ".ptx")) {
            if (in == null) throw new IllegalStateException("PTX resource " + FOLDER + op + ".ptx is missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
