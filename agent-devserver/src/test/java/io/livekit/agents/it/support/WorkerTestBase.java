package io.livekit.agents.it.support;

import io.livekit.agents.Worker;
import io.livekit.agents.devserver.junit.DevServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Base of the worker tests that use one dev server per test: holds the worker under test, closes it after each
 * test, and releases handlers that ignore cancellation on purpose ({@link #releaseStuck}).
 */
public abstract class WorkerTestBase {

    /** A fresh dev server per test, injected as a {@code DevServer} parameter. */
    @RegisterExtension
    protected static final DevServerExtension DEV = DevServerExtension.perTest();

    /** The worker under test; closed after each test. */
    protected Worker worker;

    /** Set after each test: handlers that loop ignoring cancellation watch it to finally end. */
    protected final AtomicBoolean releaseStuck = new AtomicBoolean();

    @AfterEach
    void closeWorker() {
        releaseStuck.set(true);
        if (worker != null) {
            worker.close();
        }
    }
}
