package dev.hearth.gguf.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaHostBuffer;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaState;

/**
 * The CPU half of one session of a partial offload ({@code --gpu-layers N}): the GPU runs the embedding and layers
 * 0..N-1, this runs layers N.. and the output head on the CPU engine ({@link LlamaForward#forwardFrom}) over the
 * hidden states copied back from the GPU, with a KV cache of its own for those layers only.
 */
final class CudaCpuTail implements AutoCloseable {

    private final LlamaForward cpu;
    private final int firstLayer;
    private final LlamaState state;
    private final CudaHostBuffer host;
    private final int dim;

    CudaCpuTail(CudaLoadedModel model, LlamaForward cpu, int firstLayer, int rows, KvCacheType kvType) {
        this.cpu = cpu;
        this.firstLayer = firstLayer;
        this.dim = cpu.config().dim();
        this.state = LlamaState.fromLayer(cpu.config(), model.contextLength(), kvType, firstLayer);
        this.host = model.device().allocateHost((long) rows * dim * 4, model.owner());
    }

    /**
     * Copies {@code rows} hidden states (row-major, {@code dim} floats each) from {@code x} on the device once the
     * stream gets there, runs the CPU layers for them at positions {@code pos0..}, and hands the logits of rows
     * {@code logitsFrom..rows-1} to {@code consumer} (index: the row). Synchronizes the stream.
     */
    void run(CudaStream stream, CudaBuffer x, int rows, int pos0, int logitsFrom, LogitsConsumer consumer) {
        stream.copyToHost(host.pointer(), x, 0, (long) rows * dim * 4);
        stream.synchronize();
        MemorySegment h = host.segment();
        for (int off = 0; off < rows; off += state.batch()) {
            int n = Math.min(state.batch(), rows - off);
            for (int b = 0; b < n; b++) {
                MemorySegment.copy(h, ValueLayout.JAVA_FLOAT_UNALIGNED, (long) (off + b) * dim * 4, state.hidden(b),
                        0, dim);
            }
            int from = Math.min(n, Math.max(0, logitsFrom - off));
            cpu.forwardFrom(state, firstLayer, n, pos0 + off, from);
            for (int b = from; b < n; b++) consumer.accept(off + b, state.logits(b));
        }
    }

    @Override
    public void close() {
        host.close();
    }
}
