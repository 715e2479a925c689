package dev.hearth.safetensors.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import com.google.protobuf.ByteString;

/**
 * A thin builder over ONNX's {@code GraphProto}: nodes get generated output names ({@code Gemm_12}), small constants
 * become initializers with inline data. Large weights are added by {@link OnnxWeights} as external data.
 */
final class OnnxGraphBuilder {
    static final String MS_DOMAIN = "com.microsoft";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int counter;

    OnnxGraphBuilder(String name) {
        graph.setName(name);
    }

    GraphProto build() {
        return graph.build();
    }

    /** One node with one output; returns the output's name. */
    String op(String opType, List<String> inputs, AttributeProto... attributes) {
        return ops("", opType, inputs, 1, attributes)[0];
    }

    /** One node in {@code domain} with {@code outputs} outputs; returns their names. */
    String[] ops(String domain, String opType, List<String> inputs, int outputs, AttributeProto... attributes) {
        String name = opType + "_" + counter++;
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(opType).setDomain(domain)
                .addAllInput(inputs);
        String[] out = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = outputs == 1 ? name : name + "_" + i;
            n.addOutput(out[i]);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    /** One node in {@code domain} whose outputs get the given names. */
    String[] opsWithOutputs(String domain, String opType, List<String> inputs, String[] outputs,
            AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(opType + "_" + counter++).setOpType(opType)
                .setDomain(domain).addAllInput(inputs);
        for (String o : outputs) {
            n.addOutput(o);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return outputs;
    }

    /** A node whose single output gets a given name (graph outputs). */
    void opNamed(String opType, List<String> inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(output + "_" + opType).setOpType(opType)
                .addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
    }

    // ---- attributes ----

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto attr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    // ---- constants (inline initializers) ----

    String int64s(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return initializer("const_i64_" + counter++, DataType.INT64, new long[] {values.length}, b.array());
    }

    String int64Scalar(long value) {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        return initializer("const_i64_" + counter++, DataType.INT64, new long[0], b);
    }

    /** A scalar of type {@code type} (FLOAT or FLOAT16). */
    String scalar(DataType type, float value) {
        byte[] b = type == DataType.FLOAT16
                ? ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(value)).array()
                : ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
        return initializer("const_f_" + counter++, type, new long[0], b);
    }

    String initializer(String name, DataType type, long[] dims, byte[] raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    void initializer(TensorProto t) {
        graph.addInitializer(t);
    }

    // ---- graph inputs and outputs ----

    /** Adds a graph input; dims are numbers or symbolic names. */
    void input(String name, DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    void output(String name, DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    private static ValueInfoProto valueInfo(String name, DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else {
                dim.setDimParam(d.toString());
            }
            shape.addDim(dim);
        }
        TypeProto tp = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(type.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(tp).build();
    }
}
