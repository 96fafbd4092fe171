package io.livekit.agents.devserver.junit;

import io.livekit.agents.devserver.DevServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs a {@link DevServer} for JUnit 5 tests, on a free loopback port with the {@code devkey}/{@code secret}
 * credentials, and injects it into test and lifecycle methods that declare a {@code DevServer} parameter.
 *
 * <pre>{@code
 * class MyAgentTest {
 *     @RegisterExtension
 *     static DevServerExtension devServer = DevServerExtension.perClass();
 *
 *     @Test
 *     void dispatches(DevServer server) {
 *         // start a worker against server.url(), server.apiKey(), server.apiSecret() ...
 *         server.createDispatch("room", "my-agent", "");
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #perClass()} starts one server before the class's first test and closes it after the last (register
 * it in a {@code static} field, or with {@code @ExtendWith(DevServerExtension.class)}); {@code @Nested} classes
 * share it. {@link #perTest()} gives every test a fresh server. A per-class extension in an instance field behaves per test, since JUnit creates it
 * per test instance. The callbacks run on JUnit's threads; the extension keeps its server in the extension
 * context's store, so it also works when tests run in parallel (each class, or each test, has its own server).
 */
public final class DevServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    /** When the server starts and stops. */
    public enum Lifecycle {
        /** One server for all tests of a class. */
        PER_CLASS,
        /** A new server for every test. */
        PER_TEST
    }

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(DevServerExtension.class);

    private final Lifecycle lifecycle;
    private final Consumer<DevServer.Builder> configure;
    private volatile DevServer last;

    /** A per-class extension with the default server; the constructor {@code @ExtendWith} uses. */
    public DevServerExtension() {
        this(Lifecycle.PER_CLASS, b -> { });
    }

    /**
     * @param lifecycle when the server starts and stops
     * @param configure adjusts the builder (already set to port 0 on 127.0.0.1); called once per server
     */
    public DevServerExtension(Lifecycle lifecycle, Consumer<DevServer.Builder> configure) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.configure = Objects.requireNonNull(configure, "configure");
    }

    /** One default server for the whole test class. */
    public static DevServerExtension perClass() {
        return new DevServerExtension(Lifecycle.PER_CLASS, b -> { });
    }

    /** One server for the whole test class, configured by {@code configure}. */
    public static DevServerExtension perClass(Consumer<DevServer.Builder> configure) {
        return new DevServerExtension(Lifecycle.PER_CLASS, configure);
    }

    /** A fresh default server for every test. */
    public static DevServerExtension perTest() {
        return new DevServerExtension(Lifecycle.PER_TEST, b -> { });
    }

    /** A fresh server for every test, configured by {@code configure}. */
    public static DevServerExtension perTest(Consumer<DevServer.Builder> configure) {
        return new DevServerExtension(Lifecycle.PER_TEST, configure);
    }

    /** When the server starts and stops. */
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * The server most recently started by this extension (for static-field use outside parameter injection).
     *
     * @throws IllegalStateException when none has been started yet
     */
    public DevServer server() {
        DevServer s = last;
        if (s == null) {
            throw new IllegalStateException("the DevServerExtension has not started a server yet; use it from a test"
                    + " or lifecycle method, or declare a DevServer parameter");
        }
        return s;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // @Nested classes share the server of their enclosing class
        if (lifecycle == Lifecycle.PER_CLASS && find(context) == null) {
            startIn(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (lifecycle == Lifecycle.PER_TEST || find(context) == null) {
            startIn(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopIn(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopIn(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == DevServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        DevServer s = find(context);
        if (s == null) {
            if (lifecycle == Lifecycle.PER_TEST && context.getTestMethod().isEmpty()) {
                throw new ParameterResolutionException("a per-test DevServerExtension has no server for "
                        + "@BeforeAll/@AfterAll methods; use DevServerExtension.perClass() there");
            }
            s = startIn(context);
        }
        return s;
    }

    private DevServer startIn(ExtensionContext context) {
        DevServer.Builder b = DevServer.builder().port(0).bind(DevServer.DEFAULT_BIND);
        configure.accept(b);
        DevServer server = b.build().start();
        context.getStore(NAMESPACE).put(this, new Holder(server));
        last = server;
        return server;
    }

    private void stopIn(ExtensionContext context) {
        Holder h = context.getStore(NAMESPACE).remove(this, Holder.class);
        if (h != null) {
            h.close();
        }
    }

    private DevServer find(ExtensionContext context) {
        Holder h = context.getStore(NAMESPACE).get(this, Holder.class);
        return h == null ? null : h.server;
    }

    /** Closes the server when JUnit closes the store, should an after-callback not run. */
    private record Holder(DevServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }
}
