package dev.hearth.safetensors.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import com.google.protobuf.ByteString;

import dev.hearth.safetensors.onnx.Int4BlockQuantizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real correctness test of the int4 export: one {@code com.microsoft.MatMulNBits} node over weights packed by
 * {@link Int4BlockQuantizer}, run by ONNX Runtime's CPU provider, against a matmul in double over weights
 * dequantized here, independently, from the operator's documented layout (ContribOperators.md: B
 * {@code [N, k_blocks, blob_size]} low nibble first, scales {@code [N * k_blocks]}, zero points packed per row).
 * A packing error (nibble order, zero point layout, block order) gives errors near 1; the bound is 1e-5.
 */
class OrtMatMulNBitsTest {
    static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "M={0} K={1} N={2} block={3}")
    @CsvSource({
            "1, 256, 96, 32",   // one row, as in decoding
            "5, 96, 40, 32",    // odd k_blocks (3): a half-used zero-point byte per row
            "3, 384, 64, 128",  // block 128, odd k_blocks
            "4, 80, 24, 32",    // K not a multiple of the block: padded last block
            "7, 768, 256, 128"})
    void matchesDequantizedMatmul(int m, int k, int n, int blockSize) throws Exception {
        long seed = 31L * k + n + blockSize;
        Random random = new Random(seed);
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * 0.02);
        }
        float[] a = new float[m * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        // ---- quantize row by row, as the exporter does ----
        int kBlocks = Int4BlockQuantizer.blocks(k, blockSize);
        int rowBytes = kBlocks * Int4BlockQuantizer.blobSize(blockSize);
        int zpBytes = Int4BlockQuantizer.zeroPointBytes(kBlocks);
        byte[] packed = new byte[n * rowBytes];
        float[] scales = new float[n * kBlocks];
        byte[] zeroPoints = new byte[n * zpBytes];
        float[] row = new float[k];
        for (int r = 0; r < n; r++) {
            System.arraycopy(w, r * k, row, 0, k);
            Int4BlockQuantizer.quantizeRow(row, k, blockSize, packed, r * rowBytes, scales, r * kBlocks, zeroPoints, r * zpBytes);
        }
        // ---- dequantize from the spec; every weight within half a step of the original ----
        float[] deq = dequantize(packed, scales, zeroPoints, n, k, blockSize, false);
        for (int i = 0; i < w.length; i++) {
            float step = scales[(i / k) * kBlocks + (i % k) / blockSize];
            assertTrue(Math.abs(deq[i] - w[i]) <= step / 2 + 1e-7f,
                    "seed " + seed + ": weight " + i + " " + w[i] + " dequantized to " + deq[i] + " (step " + step + ")");
        }
        double quantError = relativeL2(deq, w);
        // ---- ONNX Runtime ----
        float[] ort = run(a, m, k, n, blockSize, packed, scales, zeroPoints);
        double err = relativeL2(ort, matmul(a, deq, m, k, n));
        double swapped = relativeL2(ort, matmul(a, dequantize(packed, scales, zeroPoints, n, k, blockSize, true), m, k, n));
        System.out.printf("MatMulNBits M=%d K=%d N=%d block=%d: ORT vs Java dequantized matmul relative L2 %.2e "
                + "(weights' own quantization error %.3f; with nibbles swapped %.2f)%n", m, k, n, blockSize, err, quantError, swapped);
        assertTrue(err < TOLERANCE, "seed " + seed + ": relative L2 " + err);
        assertTrue(swapped > 0.05, "the reference should notice a swapped nibble order: " + swapped);
    }

    /** {@code (code - zero_point) * scale} read from the documented layout; {@code swap} reads nibbles high first. */
    static float[] dequantize(byte[] packed, float[] scales, byte[] zeroPoints, int n, int k, int blockSize, boolean swap) {
        int kBlocks = (k + blockSize - 1) / blockSize;
        int blob = blockSize / 2;
        int zpBytes = (kBlocks + 1) / 2;
        float[] out = new float[n * k];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < k; c++) {
                int b = c / blockSize;
                int j = c % blockSize;
                int code = nibble(packed[(r * kBlocks + b) * blob + j / 2], (j % 2 == 1) != swap);
                int zero = nibble(zeroPoints[r * zpBytes + b / 2], b % 2 == 1);
                out[r * k + c] = (code - zero) * scales[r * kBlocks + b];
            }
        }
        return out;
    }

    private static int nibble(byte b, boolean high) {
        return high ? (b >> 4) & 0xf : b & 0xf;
    }

    /** {@code a [m, k] · w^T} with {@code w [n, k]}, in double. */
    static float[] matmul(float[] a, float[] w, int m, int k, int n) {
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int o = 0; o < n; o++) {
                double s = 0;
                for (int c = 0; c < k; c++) {
                    s += (double) a[i * k + c] * w[o * k + c];
                }
                y[i * n + o] = (float) s;
            }
        }
        return y;
    }

    static double relativeL2(float[] x, float[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    private static float[] run(float[] a, int m, int k, int n, int blockSize, byte[] packed, float[] scales,
            byte[] zeroPoints) throws Exception {
        int kBlocks = Int4BlockQuantizer.blocks(k, blockSize);
        GraphProto.Builder g = GraphProto.newBuilder().setName("matmulnbits")
                .addInput(value("A", m, k)).addOutput(value("Y", m, n))
                .addInitializer(tensor("B", DataType.UINT8, packed, n, kBlocks, Int4BlockQuantizer.blobSize(blockSize)))
                .addInitializer(tensor("scales", DataType.FLOAT, floats(scales), scales.length))
                .addInitializer(tensor("zero_points", DataType.UINT8, zeroPoints, zeroPoints.length))
                .addNode(NodeProto.newBuilder().setOpType("MatMulNBits").setDomain("com.microsoft")
                        .addInput("A").addInput("B").addInput("scales").addInput("zero_points").addOutput("Y")
                        .addAttribute(attr("K", k)).addAttribute(attr("N", n)).addAttribute(attr("bits", 4))
                        .addAttribute(attr("block_size", blockSize)).addAttribute(attr("accuracy_level", 0)));
        byte[] model = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .build().toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, so);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {m, k});
                 OrtSession.Result r = s.run(Map.of("A", in))) {
                OnnxTensor y = (OnnxTensor) r.get(0);
                assertEquals(java.util.List.of(m, n), java.util.Arrays.stream(y.getInfo().getShape()).mapToObj(d -> (int) d).toList());
                float[] out = new float[m * n];
                y.getFloatBuffer().get(out);
                return out;
            }
        }
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static TensorProto tensor(String name, DataType type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    private static AttributeProto attr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }
}
