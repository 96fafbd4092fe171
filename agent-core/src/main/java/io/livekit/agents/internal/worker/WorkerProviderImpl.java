package io.livekit.agents.internal.worker;

import io.livekit.agents.JobHandler;
import io.livekit.agents.LoadCalculator;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.internal.load.SystemLoadCalculator;
import io.livekit.agents.spi.WorkerProvider;

/** Registered in {@code META-INF/services}: what {@link Worker#create} finds. */
public final class WorkerProviderImpl implements WorkerProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public WorkerProviderImpl() {
    }

    @Override
    public Worker createWorker(WorkerOptions options, JobHandler handler) {
        return new WorkerImpl(options, handler);
    }

    @Override
    public LoadCalculator systemLoadCalculator() {
        return new SystemLoadCalculator();
    }
}
