package dev.hearth.safetensors.ort;

import java.util.Locale;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;

import dev.hearth.api.device.DeviceInfo;
import dev.hearth.safetensors.onnx.OnnxPrecision;

/** The ONNX Runtime execution providers Hearth uses, with the backend id and default precision of each. */
public enum OrtProvider {
    CUDA("safetensors-ort-cuda", DeviceInfo.Type.GPU, OnnxPrecision.FP16),
    DML("safetensors-ort-dml", DeviceInfo.Type.GPU, OnnxPrecision.FP16),
    CPU("safetensors-ort-cpu", DeviceInfo.Type.CPU, OnnxPrecision.FP32);

    private final String backendId;
    private final DeviceInfo.Type deviceType;
    private final OnnxPrecision defaultPrecision;

    OrtProvider(String backendId, DeviceInfo.Type deviceType, OnnxPrecision defaultPrecision) {
        this.backendId = backendId;
        this.deviceType = deviceType;
        this.defaultPrecision = defaultPrecision;
    }

    public String backendId() { return backendId; }

    public DeviceInfo.Type deviceType() { return deviceType; }

    public OnnxPrecision defaultPrecision() { return defaultPrecision; }

    /** {@code cuda}, as in options. */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** Appends this provider to the session options (CPU is always there as the fallback). */
    void configure(SessionOptions options, int deviceIndex) throws OrtException {
        switch (this) {
            case CUDA -> {
                try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(deviceIndex)) {
                    options.addCUDA(cuda);
                }
            }
            case DML -> options.addDirectML(deviceIndex);
            case CPU -> { }
        }
    }
}
