package io.livekit.agents;

import io.livekit.agents.spi.WorkerProvider;

import java.util.Comparator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/** Finds the {@link WorkerProvider} (normally {@code agent-core}) once. */
final class WorkerProviders {

    private WorkerProviders() {
    }

    private static volatile WorkerProvider cached;

    /** The provider; looked up on first use (not in a static initializer, so a failure keeps its message). */
    static WorkerProvider provider() {
        WorkerProvider p = cached;
        if (p == null) {
            synchronized (WorkerProviders.class) {
                p = cached;
                if (p == null) {
                    p = load();
                    cached = p;
                }
            }
        }
        return p;
    }

    private static WorkerProvider load() {
        try {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            Stream<ServiceLoader.Provider<WorkerProvider>> found =
                    ServiceLoader.load(WorkerProvider.class, WorkerProviders.class.getClassLoader()).stream();
            WorkerProvider best = found.map(ServiceLoader.Provider::get)
                    .max(Comparator.comparingInt(WorkerProvider::priority)).orElse(null);
            if (best == null && context != null && context != WorkerProviders.class.getClassLoader()) {
                best = ServiceLoader.load(WorkerProvider.class, context).stream().map(ServiceLoader.Provider::get)
                        .max(Comparator.comparingInt(WorkerProvider::priority)).orElse(null);
            }
            if (best == null) {
                throw new AgentException(AgentException.Code.INVALID_CONFIGURATION,
                        "no LiveKit Agents worker implementation on the class path: add the dependency "
                                + "io.livekit.agents:agent-core (runtime scope is enough) next to agent-api");
            }
            return best;
        } catch (ServiceConfigurationError e) {
            throw new AgentException(AgentException.Code.INVALID_CONFIGURATION,
                    "the LiveKit Agents worker implementation failed to load: " + e.getMessage(), e);
        }
    }
}
