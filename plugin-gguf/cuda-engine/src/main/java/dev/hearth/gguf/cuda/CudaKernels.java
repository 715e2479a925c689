package dev.hearth.gguf.cuda;

import java.util.ArrayList;
import java.util.List;

import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.cuda.api.CudaModule;

/** Every kernel module loaded on one device for one loaded model; {@link #close()} unloads them. */
final class CudaKernels implements AutoCloseable {

    private final List<CudaModule> modules = new ArrayList<>();
    final CudaArgmax argmax;
    final CudaAttention attention;
    final CudaEmbed embed;
    final CudaMatVec matVec;
    final CudaPrompt prompt;
    final CudaQuantize quantize;
    final CudaRmsNorm rmsNorm;
    final CudaRope rope;
    final CudaSwiglu swiglu;

    CudaKernels(CudaDevice device) {
        try {
            argmax = new CudaArgmax(load(device, "argmax"));
            attention = new CudaAttention(load(device, "attention"), device.computeCapability());
            embed = new CudaEmbed(load(device, "embed"));
            matVec = new CudaMatVec(load(device, "matvec"));
            prompt = new CudaPrompt(load(device, "prompt"), load(device, "prompt_attn"));
            quantize = new CudaQuantize(load(device, "quantize"));
            rmsNorm = new CudaRmsNorm(load(device, "rmsnorm"));
            rope = new CudaRope(load(device, "rope"));
            swiglu = new CudaSwiglu(load(device, "swiglu"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private CudaModule load(CudaDevice device, String op) {
        CudaModule m = device.loadModule(op, PtxResources.ptx(op, device.computeCapability()));
        modules.add(m);
        return m;
    }

    /** The loaded modules (tools read their globals). */
    List<CudaModule> modules() {
        return List.copyOf(modules);
    }

    @Override
    public void close() {
        modules.forEach(CudaModule::close);
        modules.clear();
    }
}
