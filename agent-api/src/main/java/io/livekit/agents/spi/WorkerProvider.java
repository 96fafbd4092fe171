package io.livekit.agents.spi;

import io.livekit.agents.JobHandler;
import io.livekit.agents.LoadCalculator;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;

/**
 * The service interface through which {@code agent-api} finds its implementation, registered in
 * {@code META-INF/services/io.livekit.agents.spi.WorkerProvider}. Users do not call it; they call
 * {@link Worker#create} and {@link LoadCalculator#system()}.
 */
public interface WorkerProvider {

    /** Creates a worker (not started). */
    Worker createWorker(WorkerOptions options, JobHandler handler);

    /** A new system load calculator. */
    LoadCalculator systemLoadCalculator();

    /** When several providers are present, the highest priority wins. */
    default int priority() {
        return 0;
    }
}
