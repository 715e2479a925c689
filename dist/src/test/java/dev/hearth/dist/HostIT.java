package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;

import dev.hearth.launcher.Host;
import dev.hearth.launcher.HostConfig;
import dev.hearth.launcher.HostLogging;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Starts the real framework in this JVM with the bundles of the unpacked distribution (target/hearth/bundle), a
 * deploy/ folder and a log folder of its own, and checks what a running host must do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostIT {

    /**
     * Services the distribution must register once started: object class and LDAP filter. Add a line when a bundle
     * of bundle/ contributes a service that must always be there.
     */
    static final List<String[]> EXPECTED_SERVICES = List.of(
            service("java.util.function.ToIntFunction", "(hearth.cli=true)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=backends)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=formats)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=verify)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=info)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=help)"),
            service("org.apache.felix.service.command.Function", "(&(osgi.command.scope=hearth)(osgi.command.function=verify))"),
            service("org.apache.felix.service.command.CommandProcessor", null),
            service("dev.hearth.api.model.ModelFormat", "(hearth.format=gguf)"),
            service("dev.hearth.api.backend.Backend", "(hearth.backend=gguf-cpu)"),
            service("dev.hearth.api.model.ModelFormat", "(hearth.format=safetensors)"),
            service("dev.hearth.api.backend.Backend", "(hearth.backend=safetensors-ort-cpu)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=run)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=bench)"),
            service("dev.hearth.api.command.HearthCommand", "(hearth.command=export)"));

    static final String ECHO_BACKEND = "(&(objectClass=dev.hearth.api.backend.Backend)(hearth.backend=test-echo))";

    @TempDir
    static Path work;
    static Path deploy;
    static Path log;
    static Host host;

    static String[] service(String objectClass, String filter) {
        return new String[] {objectClass, filter};
    }

    @BeforeAll
    static void startHost() throws Exception {
        deploy = Files.createDirectories(work.resolve("deploy"));
        Path logs = work.resolve("logs");
        log = logs.resolve(HostLogging.LOG_FILE);
        Properties p = new Properties();
        p.setProperty("hearth.dir.deploy", deploy.toString());
        p.setProperty("hearth.dir.logs", logs.toString());
        p.setProperty("hearth.dir.cache", work.resolve("cache").toString());
        p.setProperty("hearth.service.timeout", "5");
        HostConfig config = HostConfig.from(Dist.home(), p);
        HostLogging.install(logs, Level.INFO, Level.WARNING, false);
        host = Host.start(config);
    }

    @AfterAll
    static void stopHost() {
        if (host != null) {
            host.close();
            assertEquals(Bundle.RESOLVED, host.framework().getState(), "framework stopped");
            assertFalse(Files.exists(work.resolve("cache").resolve(Long.toString(ProcessHandle.current().pid()))),
                    "the per-process cache is removed");
        }
    }

    @Test
    @Order(1)
    void everyBundleResolvesAndIsActive() {
        List<String> notActive = Arrays.stream(host.context().getBundles())
                .filter(b -> b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " (state " + b.getState() + ")")
                .toList();
        assertTrue(notActive.isEmpty(), "bundles not active: " + notActive + "\n" + logText());
        long inBundleDir = host.context().getBundles().length - 1;
        assertTrue(inBundleDir >= 12, "all bundles of bundle/ installed, found " + inBundleDir);
    }

    @Test
    @Order(2)
    void expectedServicesAreRegistered() {
        for (String[] s : EXPECTED_SERVICES) {
            Dist.await(Dist.PLUGIN_WAIT.dividedBy(3), () -> !references(s[0], s[1]).isEmpty(),
                    () -> "service " + s[0] + " " + (s[1] == null ? "" : s[1]) + "\n" + logText());
        }
    }

    @Test
    @Order(3)
    void systemBundleExportsTheVectorApi() {
        List<BundleCapability> exports = host.framework().adapt(BundleWiring.class).getCapabilities("osgi.wiring.package");
        assertTrue(exports.stream().anyMatch(c -> "jdk.incubator.vector".equals(c.getAttributes().get("osgi.wiring.package"))),
                "the system bundle exports jdk.incubator.vector (the JVM runs with --add-modules jdk.incubator.vector)");
    }

    @Test
    @Order(4)
    void pluginDroppedIntoDeployRegistersItsBackendAndDeletingItRemovesIt() throws IOException {
        Path jar = deploy.resolve("echo-backend.jar");
        Files.copy(Dist.testPlugin("echo-backend"), jar);
        Dist.await(Dist.PLUGIN_WAIT, () -> references(ECHO_BACKEND).size() == 1,
                () -> "backend test-echo after copying " + jar.getFileName() + " into deploy/\n" + logText());
        Bundle echo = bundle("dev.hearth.test.echo");
        assertNotNull(echo, "echo bundle installed");
        assertEquals(Bundle.ACTIVE, echo.getState());

        // replacing the jar updates the bundle in place
        long modified = echo.getLastModified();
        Files.copy(Dist.testPlugin("echo-backend"), jar, StandardCopyOption.REPLACE_EXISTING);
        jar.toFile().setLastModified(System.currentTimeMillis() + 2_000);
        Dist.await(Dist.PLUGIN_WAIT, () -> echo.getLastModified() != modified && echo.getState() == Bundle.ACTIVE
                        && references(ECHO_BACKEND).size() == 1,
                () -> "bundle dev.hearth.test.echo updated after replacing its jar");

        Files.delete(jar);
        Dist.await(Dist.PLUGIN_WAIT, () -> references(ECHO_BACKEND).isEmpty() && bundle("dev.hearth.test.echo") == null,
                () -> "backend test-echo gone after deleting " + jar.getFileName());
    }

    @Test
    @Order(5)
    void componentThatThrowsOnActivationIsReportedAndTheHostKeepsRunning() throws IOException {
        Path jar = deploy.resolve("broken-component.jar");
        Files.copy(Dist.testPlugin("broken-component"), jar);
        Dist.await(Dist.PLUGIN_WAIT, () -> logText().contains("failed to activate"),
                () -> "a line about the broken component in " + log + "\n" + logText());
        String line = logText().lines().filter(l -> l.contains("failed to activate")).findFirst().orElseThrow();
        assertTrue(line.contains("dev.hearth.test.broken.BrokenComponent") && line.contains("dev.hearth.test.broken")
                && line.contains("fails on purpose"), "names component, bundle and reason: " + line);
        Bundle broken = bundle("dev.hearth.test.broken");
        assertNotNull(broken);
        assertEquals(Bundle.ACTIVE, broken.getState(), "the bundle itself is fine");
        assertEquals(Bundle.ACTIVE, host.framework().getState(), "framework still running");
        assertFalse(references("java.util.function.ToIntFunction", "(hearth.cli=true)").isEmpty(), "command line still there");
        Files.delete(jar);
        Dist.await(Dist.PLUGIN_WAIT, () -> bundle("dev.hearth.test.broken") == null, () -> "broken bundle uninstalled");
    }

    @Test
    @Order(6)
    void invalidJarInDeployIsLoggedWithItsNameAndSkipped() throws IOException {
        Path jar = deploy.resolve("not-a-bundle.jar");
        Files.writeString(jar, "this is not a zip file", StandardCharsets.UTF_8);
        Dist.await(Dist.PLUGIN_WAIT, () -> logText().contains("not-a-bundle.jar"),
                () -> "a line naming not-a-bundle.jar in " + log + "\n" + logText());
        assertEquals(Bundle.ACTIVE, host.framework().getState(), "framework still running");
        // a plugin dropped after it still loads
        Path echo = deploy.resolve("echo-backend.jar");
        Files.copy(Dist.testPlugin("echo-backend"), echo);
        Dist.await(Dist.PLUGIN_WAIT, () -> references(ECHO_BACKEND).size() == 1, () -> "backend test-echo\n" + logText());
        Files.delete(echo);
        Files.delete(jar);
        Dist.await(Dist.PLUGIN_WAIT, () -> references(ECHO_BACKEND).isEmpty(), () -> "backend test-echo gone");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static List<ServiceReference<?>> references(String objectClass, String filter) {
        String f = "(&(objectClass=" + objectClass + ")" + (filter == null ? "" : filter) + ")";
        return references(f);
    }

    static List<ServiceReference<?>> references(String filter) {
        try {
            ServiceReference<?>[] refs = host.context().getAllServiceReferences(null, filter);
            return refs == null ? List.of() : List.of(refs);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Bundle bundle(String symbolicName) {
        return Arrays.stream(host.context().getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
    }

    static String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
