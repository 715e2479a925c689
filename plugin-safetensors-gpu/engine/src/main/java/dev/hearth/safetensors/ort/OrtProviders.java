package dev.hearth.safetensors.ort;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;

/**
 * Which execution providers load on this machine, and why the others do not. A provider is usable when the ONNX
 * Runtime build has it ({@link OrtEnvironment#getAvailableProviders()}) and appending it to session options
 * succeeds: that is when ONNX Runtime loads {@code libonnxruntime_providers_cuda.so}, which fails when CUDA 12's or
 * cuDNN 9's libraries are missing. The reason names the missing library in one line.
 */
public final class OrtProviders {
    private static final Logger LOG = Logger.getLogger("dev.hearth.safetensors.ort");
    private static final Pattern LIBRARY = Pattern.compile("(lib[\\w.+-]+\\.so[\\w.]*|[\\w.-]+\\.dll)");

    /** A provider and whether it loads. */
    public record Probe(OrtProvider provider, boolean usable, String reason) {}

    private OrtProviders() {}

    /**
     * Probes every provider, logging one line for each: the CPU always loads.
     *
     * @param env     the environment of {@code wrapper}'s classes (its natives are loaded)
     * @param wrapper the bundle those classes come from
     */
    public static List<Probe> probe(OrtEnvironment env, OrtWrapper wrapper) {
        Optional<OrtWrapper> foreign = OrtNatives.claim(wrapper);
        EnumSet<ai.onnxruntime.OrtProvider> built = OrtEnvironment.getAvailableProviders();
        List<Probe> out = new ArrayList<>();
        for (OrtProvider p : OrtProvider.values()) {
            Probe probe = probe(env, p, built, wrapper, foreign);
            LOG.info(() -> p.backendId() + ": " + (probe.usable() ? "available" : "not available") + " ("
                    + probe.reason() + "; ONNX Runtime from " + wrapper.bundle() + ")");
            out.add(probe);
        }
        return out;
    }

    /**
     * @param foreign the wrapper whose natives of another build this process loaded first, if any: then no GPU
     *                provider is tried at all, because the JNI library of {@code wrapper} drives that build's core
     */
    static Probe probe(OrtEnvironment env, OrtProvider p, EnumSet<ai.onnxruntime.OrtProvider> built,
                       OrtWrapper wrapper, Optional<OrtWrapper> foreign) {
        if (p == OrtProvider.CPU) {
            return new Probe(p, true, "ONNX Runtime " + env.getVersion() + " CPU provider");
        }
        if (foreign.isPresent() && wrapper.builtFor(p)) {
            return new Probe(p, false, "this process loaded the natives of ONNX Runtime " + foreign.get().build()
                    + " from " + foreign.get().bundle() + " first, and the JNI library of " + wrapper.bundle()
                    + " binds to those: restart the host to use the " + p.name() + " provider; staying on the CPU"
                    + " provider");
        }
        if (foreign.isPresent()) {
            return new Probe(p, false, "the ONNX Runtime build of " + wrapper.bundle() + " (" + wrapper.build()
                    + ") has no " + p.name() + " provider");
        }
        ai.onnxruntime.OrtProvider ort = p == OrtProvider.CUDA ? ai.onnxruntime.OrtProvider.CUDA
                : ai.onnxruntime.OrtProvider.DIRECT_ML;
        if (p == OrtProvider.DML && !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("windows")) {
            return new Probe(p, false, "DirectML runs on Windows only");
        }
        if (!built.contains(ort)) {
            return new Probe(p, false, "this ONNX Runtime build has no " + ort + " provider (install the "
                    + (p == OrtProvider.CUDA ? "onnxruntime-gpu bundle" : "DirectML build") + ")");
        }
        try (SessionOptions o = new SessionOptions()) {
            p.configure(o, 0);
            return new Probe(p, true, "ONNX Runtime " + env.getVersion() + " " + ort + " provider, device 0");
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return new Probe(p, false, missing(p, String.valueOf(e.getMessage())));
        }
    }

    /** One line naming the library the provider could not load. */
    static String missing(OrtProvider p, String message) {
        Matcher m = LIBRARY.matcher(message);
        String lib = null;
        while (m.find()) {
            String candidate = m.group(1);
            if (!candidate.startsWith("libonnxruntime")) { // the provider library itself is not the cause
                lib = candidate;
                break;
            }
        }
        String needs = p == OrtProvider.CUDA ? "ONNX Runtime 1.29's CUDA provider needs CUDA 12 and cuDNN 9" : p.label();
        String first = message.lines().findFirst().orElse(message);
        return lib != null ? needs + ": " + lib + " is missing; staying on the CPU provider"
                : needs + ": " + first + "; staying on the CPU provider";
    }
}
