package dev.hearth.test.echo;

import java.io.IOException;
import java.util.Set;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;

import org.osgi.service.component.annotations.Component;

/**
 * Test fixture for the distribution's integration tests: a {@link Backend} with id {@value #ID} that supports
 * nothing and refuses to load. It exists to be dropped into deploy/ and removed again while the host runs.
 */
@Component(service = Backend.class, property = {
        Backend.PROP_ID + "=" + EchoBackend.ID,
        Backend.PROP_DEVICE_TYPE + "=CPU",
        Backend.PROP_DEVICE_INDEX + ":Integer=0"})
public class EchoBackend implements Backend {
    public static final String ID = "test-echo";
    private static final String REFUSAL = "test-echo is a test fixture: it loads no models";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public DeviceInfo device() {
        return new DeviceInfo(DeviceInfo.Type.CPU, 0, "test fixture", 1, 0, 0, 0, "");
    }

    @Override
    public Set<String> formats() {
        return Set.of("echo");
    }

    @Override
    public String version() {
        return "0";
    }

    @Override
    public Support supports(ModelDescription model) {
        return Support.no(REFUSAL);
    }

    @Override
    public LoadedModel load(ModelDescription model, LoadOptions options) throws IOException {
        throw new IOException(REFUSAL);
    }
}
