package dev.hearth.safetensors.ort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A session's KV cache in native memory, one key and one value block per layer, {@code capacity} positions each.
 * Blocks are handed to ONNX Runtime as direct {@link ByteBuffer}s, which it reads and writes in place (no copy
 * through the Java heap). Layout per {@link dev.hearth.safetensors.onnx.OnnxNames}: sequence-major
 * {@code [capacity, kv_heads, head_dim]} for plain graphs (a prefix is contiguous), head-major
 * {@code [kv_heads, capacity, head_dim]} for fused graphs. Owned by its session; {@link #close()} frees it.
 */
final class OrtKvCache implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final ByteBuffer[] keys;
    private final ByteBuffer[] values;
    private final long rowBytes;
    private boolean closed;

    /** @param rowBytes bytes of one position of one layer: kv_heads × head_dim × element size */
    OrtKvCache(int layers, int capacity, long rowBytes) {
        this.rowBytes = rowBytes;
        this.keys = new ByteBuffer[layers];
        this.values = new ByteBuffer[layers];
        long bytes = Math.multiplyExact(rowBytes, capacity);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("KV cache of " + bytes + " bytes per layer exceeds 2 GiB; lower --ctx");
        }
        for (int l = 0; l < layers; l++) {
            keys[l] = block(bytes);
            values[l] = block(bytes);
        }
    }

    private ByteBuffer block(long bytes) {
        MemorySegment s = arena.allocate(Math.max(bytes, 1), 64);
        return s.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** Bytes of one position of one layer. */
    long rowBytes() { return rowBytes; }

    ByteBuffer keys(int layer) { return open(keys)[layer]; }

    ByteBuffer values(int layer) { return open(values)[layer]; }

    /** {@code [from, from+count)} positions of a sequence-major block, as a view. */
    ByteBuffer rows(ByteBuffer block, int from, int count) {
        return block.slice((int) (from * rowBytes), (int) (count * rowBytes)).order(ByteOrder.nativeOrder());
    }

    private ByteBuffer[] open(ByteBuffer[] b) {
        if (closed) {
            throw new IllegalStateException("KV cache is closed");
        }
        return b;
    }

    long bytes() {
        return 2L * keys.length * keys[0].capacity();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
