package io.livekit.agents.it.support;

import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;

import java.time.Duration;

/**
 * A worker process for the SIGTERM test: registers as {@value #AGENT_NAME}, installs the shutdown hook, and runs
 * each job for the given milliseconds. Arguments: url, API key, API secret, job milliseconds.
 */
public final class ShutdownHookMain {

    public static final String AGENT_NAME = "sigterm-agent";
    public static final String READY = "WORKER READY";
    public static final String JOB_STARTED = "JOB STARTED";
    public static final String JOB_DONE = "JOB DONE";

    private ShutdownHookMain() {
    }

    public static void main(String[] args) throws Exception {
        long jobMillis = Long.parseLong(args[3]);
        Worker worker = Worker.create(WorkerOptions.builder().url(args[0]).apiKey(args[1]).apiSecret(args[2])
                .agentName(AGENT_NAME).drainTimeout(Duration.ofSeconds(20)).statusInterval(Duration.ofMillis(200))
                .build(), ctx -> {
            System.out.println(JOB_STARTED);
            Thread.sleep(jobMillis);
            System.out.println(JOB_DONE);
        });
        worker.installShutdownHook().start();
        if (!worker.awaitReady(Duration.ofSeconds(15))) {
            System.exit(2);
        }
        System.out.println(READY);
        worker.awaitTermination();
    }
}
