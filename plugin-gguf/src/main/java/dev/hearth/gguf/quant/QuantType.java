package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The supported ggml tensor types with their kernels: the single dispatch point. {@link #dot} uses the vector
 * path when {@link Simd#ENABLED}, else the scalar twin.
 */
public enum QuantType implements RowKernel {

    F32(0, 1, F32Kernels.TYPE_SIZE, ActivationFormat.F32) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            F32Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            checkLength(x, n);
            return Simd.ENABLED ? F32Kernels.dotVector(w, wOffset, x.values(), x.offset(), n)
                    : F32Kernels.dotScalar(w, wOffset, x.values(), x.offset(), n);
        }
    },
    F16(1, 1, F16Kernels.TYPE_SIZE, ActivationFormat.F32) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            F16Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            checkLength(x, n);
            return Simd.ENABLED ? F16Kernels.dotVector(w, wOffset, x.values(), x.offset(), n)
                    : F16Kernels.dotScalar(w, wOffset, x.values(), x.offset(), n);
        }
    },
    Q4_0(2, Q4_0Kernels.BLOCK_SIZE, Q4_0Kernels.TYPE_SIZE, ActivationFormat.Q8_0) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q4_0Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q4_0Kernels.dotVector(w, wOffset, x.q8_0(), n)
                    : Q4_0Kernels.dotScalar(w, wOffset, x.q8_0(), n);
        }
    },
    Q4_1(3, Q4_1Kernels.BLOCK_SIZE, Q4_1Kernels.TYPE_SIZE, ActivationFormat.Q8_0) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q4_1Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q4_1Kernels.dotVector(w, wOffset, x.q8_0(), n)
                    : Q4_1Kernels.dotScalar(w, wOffset, x.q8_0(), n);
        }
    },
    Q5_0(6, Q5_0Kernels.BLOCK_SIZE, Q5_0Kernels.TYPE_SIZE, ActivationFormat.Q8_0) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q5_0Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q5_0Kernels.dotVector(w, wOffset, x.q8_0(), n)
                    : Q5_0Kernels.dotScalar(w, wOffset, x.q8_0(), n);
        }
    },
    Q5_1(7, Q5_1Kernels.BLOCK_SIZE, Q5_1Kernels.TYPE_SIZE, ActivationFormat.Q8_0) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q5_1Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q5_1Kernels.dotVector(w, wOffset, x.q8_0(), n)
                    : Q5_1Kernels.dotScalar(w, wOffset, x.q8_0(), n);
        }
    },
    Q8_0(8, Q8_0Kernels.BLOCK_SIZE, Q8_0Kernels.TYPE_SIZE, ActivationFormat.Q8_0) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q8_0Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q8_0Kernels.dotVector(w, wOffset, x.q8_0(), n)
                    : Q8_0Kernels.dotScalar(w, wOffset, x.q8_0(), n);
        }
    },
    Q2_K(10, Q2_KKernels.BLOCK_SIZE, Q2_KKernels.TYPE_SIZE, ActivationFormat.Q8_K) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q2_KKernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q2_KKernels.dotVector(w, wOffset, x.q8_K(), n)
                    : Q2_KKernels.dotScalar(w, wOffset, x.q8_K(), n);
        }
    },
    Q3_K(11, Q3_KKernels.BLOCK_SIZE, Q3_KKernels.TYPE_SIZE, ActivationFormat.Q8_K) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q3_KKernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q3_KKernels.dotVector(w, wOffset, x.q8_K(), n)
                    : Q3_KKernels.dotScalar(w, wOffset, x.q8_K(), n);
        }
    },
    Q4_K(12, Q4_KKernels.BLOCK_SIZE, Q4_KKernels.TYPE_SIZE, ActivationFormat.Q8_K) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q4_KKernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q4_KKernels.dotVector(w, wOffset, x.q8_K(), n)
                    : Q4_KKernels.dotScalar(w, wOffset, x.q8_K(), n);
        }
    },
    Q5_K(13, Q5_KKernels.BLOCK_SIZE, Q5_KKernels.TYPE_SIZE, ActivationFormat.Q8_K) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q5_KKernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q5_KKernels.dotVector(w, wOffset, x.q8_K(), n)
                    : Q5_KKernels.dotScalar(w, wOffset, x.q8_K(), n);
        }
    },
    Q6_K(14, Q6_KKernels.BLOCK_SIZE, Q6_KKernels.TYPE_SIZE, ActivationFormat.Q8_K) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q6_KKernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q6_KKernels.dotVector(w, wOffset, x.q8_K(), n)
                    : Q6_KKernels.dotScalar(w, wOffset, x.q8_K(), n);
        }
    },
    Q8_K(15, Q8_KKernels.BLOCK_SIZE, Q8_KKernels.TYPE_SIZE, ActivationFormat.Q8_K) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            Q8_KKernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            return Simd.ENABLED ? Q8_KKernels.dotVector(w, wOffset, x.q8_K(), n)
                    : Q8_KKernels.dotScalar(w, wOffset, x.q8_K(), n);
        }
    },
    BF16(30, 1, BF16Kernels.TYPE_SIZE, ActivationFormat.F32) {
        @Override
        public void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
            BF16Kernels.dequantizeRow(src, byteOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, Activation x, int n) {
            checkLength(x, n);
            return Simd.ENABLED ? BF16Kernels.dotVector(w, wOffset, x.values(), x.offset(), n)
                    : BF16Kernels.dotScalar(w, wOffset, x.values(), x.offset(), n);
        }
    };

    private static final QuantType[] BY_ID = new QuantType[31];

    static {
        for (QuantType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final ActivationFormat activationFormat;

    QuantType(int id, int blockSize, int typeSize, ActivationFormat activationFormat) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.activationFormat = activationFormat;
    }

    /** The kernels for ggml type {@code id}, or empty when we have none. */
    public static Optional<QuantType> forId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    /** The kernels for ggml type {@code id}; throws IllegalArgumentException naming the supported types. */
    public static QuantType byId(int id) {
        return forId(id).orElseThrow(() -> new IllegalArgumentException(
                "no kernels for ggml type id " + id + "; supported: " + supportedNames()));
    }

    /** "F32(0), F16(1), ..." */
    public static String supportedNames() {
        StringBuilder sb = new StringBuilder();
        for (QuantType t : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t.name()).append('(').append(t.id).append(')');
        }
        return sb.toString();
    }

    @Override
    public int typeId() {
        return id;
    }

    @Override
    public String typeName() {
        return name();
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public int typeSize() {
        return typeSize;
    }

    @Override
    public ActivationFormat activationFormat() {
        return activationFormat;
    }

    private static void checkLength(Activation x, int n) {
        if (x.length() != n) {
            throw new IllegalArgumentException("activation length " + x.length() + " != row length " + n);
        }
    }
}
