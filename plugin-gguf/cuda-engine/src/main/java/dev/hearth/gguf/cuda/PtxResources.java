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

    /** The compute_80 build (Ampere, Ada; the reference for the manifest test). */
    static byte[] ptx(String op) {
        return read(FOLDER + op + ".ptx");
    }

    /**
     * The build for a device of compute capability {@code cc} (major * 10 + minor): from 9.0 on the compute_90
     * build, whose decode kernels take programmatic dependent launches; before, the compute_80 one.
     */
    static byte[] ptx(String op, int cc) {
        return cc >= 90 ? read(FOLDER + "sm_90/" + op + ".ptx") : ptx(op);
    }

    private static byte[] read(String resource) {
        try (InputStream in = PtxResources.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("PTX resource " + resource + " is missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
