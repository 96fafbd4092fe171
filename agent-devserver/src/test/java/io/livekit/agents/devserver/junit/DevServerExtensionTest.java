package io.livekit.agents.devserver.junit;

import io.livekit.agents.devserver.DevServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs small test classes that use the extension through the JUnit engine and checks what they saw. */
class DevServerExtensionTest {

    static final List<DevServer> SEEN = new CopyOnWriteArrayList<>();

    private static Events run(Class<?> testClass) {
        SEEN.clear();
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
        tests.assertStatistics(s -> s.failed(0));
        return tests;
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void perClassSharesOneServerAndClosesIt() {
        Events e = run(PerClass.class);
        assertThat(e.succeeded().count()).isEqualTo(2);
        assertThat(SEEN).hasSize(3);
        assertThat(SEEN.get(0)).isSameAs(SEEN.get(1)).isSameAs(SEEN.get(2));
        assertThat(SEEN.get(0).isRunning()).isFalse();
        assertThat(listening(SEEN.get(0).port())).isFalse();
    }

    @Test
    void nestedClassesShareThePerClassServer() {
        Events e = run(WithNested.class);
        assertThat(e.succeeded().count()).isEqualTo(2);
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isSameAs(SEEN.get(1));
        assertThat(SEEN.get(0).isRunning()).isFalse();
    }

    @Test
    void perTestGivesEachTestItsOwnConfiguredServer() {
        Events e = run(PerTest.class);
        assertThat(e.succeeded().count()).isEqualTo(2);
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(1));
        assertThat(SEEN).allSatisfy(s -> {
            assertThat(s.isRunning()).isFalse();
            assertThat(s.apiKey()).isEqualTo("k1");
        });
    }

    @Test
    void extendWithUsesTheDefaults() {
        Events e = run(WithAnnotation.class);
        assertThat(e.succeeded().count()).isEqualTo(1);
        assertThat(SEEN).singleElement().satisfies(s -> {
            assertThat(s.apiKey()).isEqualTo("devkey");
            assertThat(s.isRunning()).isFalse();
        });
    }

    // ---- the classes run by the engine (not run directly: they are static nested classes without @Nested) ----

    static class PerClass {
        @RegisterExtension
        static DevServerExtension devServer = DevServerExtension.perClass();

        @BeforeAll
        static void before(DevServer server) {
            SEEN.add(server);
        }

        @Test
        void first(DevServer server) {
            assertThat(server.isRunning()).isTrue();
            assertThat(server.url()).startsWith("ws://127.0.0.1:");
            assertThat(listening(server.port())).isTrue();
            assertThat(devServer.server()).isSameAs(server);
            SEEN.add(server);
            server.createRoom("shared");
        }

        @Test
        void second(DevServer server) {
            SEEN.add(server);
            // same server as the other test: its rooms are visible (test order is not fixed, so just check it runs)
            assertThat(server.isRunning()).isTrue();
        }

        @AfterAll
        static void after() {
            assertThat(devServer.server().isRunning()).isTrue();
        }
    }

    static class PerTest {
        @RegisterExtension
        DevServerExtension devServer = DevServerExtension.perTest(b -> b.addKey("k1", "a-secret-that-is-long-enough-32b"));

        @Test
        void one(DevServer server) {
            SEEN.add(server);
            assertThat(server.listRooms()).isEmpty();
            server.createRoom("mine");
        }

        @Test
        void two(DevServer server) {
            SEEN.add(server);
            assertThat(server.listRooms()).isEmpty();
            server.createRoom("mine");
        }
    }

    static class WithNested {
        @RegisterExtension
        static DevServerExtension devServer = DevServerExtension.perClass();

        @Test
        void outer(DevServer server) {
            SEEN.add(server);
        }

        @org.junit.jupiter.api.Nested
        class Inner {
            @Test
            void inner(DevServer server) {
                SEEN.add(server);
                assertThat(server.isRunning()).isTrue();
            }
        }
    }

    @ExtendWith(DevServerExtension.class)
    static class WithAnnotation {
        @Test
        void injected(DevServer server) {
            SEEN.add(server);
            assertThat(server.isRunning()).isTrue();
        }
    }
}
