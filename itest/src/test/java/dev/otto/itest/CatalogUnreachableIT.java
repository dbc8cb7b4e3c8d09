package dev.otto.itest;

import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

import dev.otto.api.catalog.ModelCatalog;

/** A container whose OpenCode cannot be reached does not come up, and says why and what to do. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CatalogUnreachableIT {

    /** The URL, known in the container through a system property (the probe has its own class statics). */
    private static final String URL_PROPERTY = "otto.itest.unreachable.url";

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        URI unreachable = closedPort();
        return org.ops4j.pax.exam.OptionUtils.combine(OttoContainer.options(unreachable),
                org.ops4j.pax.exam.CoreOptions.systemProperty(URL_PROPERTY).value(unreachable.toString()));
    }

    @Test
    public void theCatalogDoesNotComeUpAndSaysWhy() throws Exception {
        // SCR may keep the registration of a component whose activation failed, but gives no object
        var reference = context.getServiceReference(ModelCatalog.class);
        assertNull("no catalog without a first fetch", reference == null ? null : context.getService(reference));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            session.execute("otto:await --timeout 30 --settle 2");
            fail("otto:await succeeded without a catalog");
        } catch (IllegalStateException notReady) {
            String message = notReady.getMessage();
            assertTrue(message, message.contains("dev.otto.catalog.Catalog"));
            assertTrue(message, message.contains("Otto cannot start: the first model catalog fetch failed"));
            assertTrue(message, message.contains(System.getProperty(URL_PROPERTY)));
            assertTrue(message, message.contains("connection refused"));
            assertTrue(message, message.contains("What to do: start OpenCode"));
        }
    }

    /** A loopback address nothing listens on: a port just released. */
    static URI closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
