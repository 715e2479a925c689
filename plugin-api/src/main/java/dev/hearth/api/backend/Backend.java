package dev.hearth.api.backend;

import java.io.IOException;
import java.util.Set;

import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An inference engine on one device, registered as a service by a backend plugin: one service per usable device,
 * with the properties {@value #PROP_ID}, {@value #PROP_DEVICE_TYPE} and {@value #PROP_DEVICE_INDEX} so callers can
 * filter with LDAP targets. No usable device means no service, never a broken one.
 */
@ProviderType
public interface Backend {
    String PROP_ID = "hearth.backend";
    String PROP_DEVICE_TYPE = "hearth.device.type";
    String PROP_DEVICE_INDEX = "hearth.device.index";

    /** Id such as {@code gguf-cpu}, {@code gguf-cuda}, {@code safetensors-ort-cpu}. */
    String id();

    /** The device this backend instance computes on. */
    DeviceInfo device();

    /** Ids of the model formats it loads, e.g. {@code gguf}. */
    Set<String> formats();

    /** Version of the engine (and of the native runtime it wraps), for reports. */
    String version();

    /** Whether this backend can run the model, and if not, why. Never throws for an unsupported model. */
    Support supports(ModelDescription model);

    /** Loads the model's weights onto the device. The caller closes the result. */
    LoadedModel load(ModelDescription model, LoadOptions options) throws IOException;
}
