package io.livekit.agents.examples;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobRequest;
import io.livekit.agents.JobStatus;
import io.livekit.agents.ServerInfo;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerListener;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServer;
import livekit.LivekitAgent;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Quick start: one agent's whole job lifecycle on the embedded dev server, in one process.
 *
 * <ol>
 *   <li>starts the dev server (a LiveKit-compatible server on a free loopback port);</li>
 *   <li>starts a worker registered as agent {@value #AGENT_NAME};</li>
 *   <li>creates a room and dispatches the agent to it;</li>
 *   <li>prints each step the worker goes through: registered, offered, accepted, running, done;</li>
 *   <li>drains the worker, stops the server and exits with status 0 (1 if something went wrong).</li>
 * </ol>
 *
 * <p>Run it with {@code scripts/run-example} (or {@code mvn -pl examples exec:java}). Against a real LiveKit
 * server, use {@code WorkerOptions.fromEnv()} and dispatch the agent with LiveKit's own tools instead.
 */
public final class LifecycleExample {

    /** The agent name the worker registers with; explicit dispatch uses it. */
    public static final String AGENT_NAME = "greeter";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private LifecycleExample() {
    }

    /** What the agent does: decide on offers, then run each accepted job. */
    static final class Greeter implements JobHandler {
        @Override
        public JobDecision onJobRequest(JobRequest request) {
            // take every job, joining its room as "greeter-<room>" with a display name
            return JobDecision.acceptBuilder()
                    .identity("greeter-" + request.job().room().name())
                    .name("Greeter")
                    .build();
        }

        @Override
        public void onJob(JobContext ctx) throws Exception {
            say("        the job's handler runs on thread '%s'", Thread.currentThread().getName());
            say("        room '%s', dispatch metadata %s", ctx.job().room().name(), ctx.job().metadata());
            say("        it would join %s as '%s' with a %d-character room token",
                    ctx.url(), ctx.participantIdentity(), ctx.token().length());
            ctx.addShutdownCallback(reason -> say("        shutdown callback: %s", reason));
            for (int i = 1; i <= 3; i++) {
                if (ctx.awaitCancellation(Duration.ofMillis(300))) {
                    return;   // the server ended the job early
                }
                say("        working... %d/3", i);
            }
        }
    }

    /** Prints the worker's lifecycle as it happens (called on the worker's event thread). */
    static final class ConsoleListener implements WorkerListener {
        final CountDownLatch jobDone = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile JobStatus finalStatus;

        @Override
        public void onStatusChanged(WorkerStatus previous, WorkerStatus current) {
            say("   worker status %s -> %s", previous, current);
            if (current == WorkerStatus.STOPPED) {
                stopped.countDown();
            }
        }

        @Override
        public void onRegistered(String workerId, ServerInfo server) {
            say("1. registered with the server as %s (LiveKit-compatible %s)", workerId, server.version());
        }

        @Override
        public void onJobOffered(JobRequest request) {
            say("2. offered job %s for room '%s'", request.jobId(), request.job().room().name());
        }

        @Override
        public void onJobAccepted(JobInfo job, String identity) {
            say("3. accepted job %s as participant '%s'", job.id(), identity);
        }

        @Override
        public void onJobRejected(JobInfo job, String reason, boolean terminate) {
            say("   rejected job %s: %s", job.id(), reason);
        }

        @Override
        public void onJobStarted(JobInfo job) {
            say("4. job %s is running", job.id());
        }

        @Override
        public void onJobEnded(JobInfo job, JobStatus status, String error) {
            say("5. job %s is done: %s%s", job.id(), status, error.isEmpty() ? "" : " (" + error + ")");
            finalStatus = status;
            jobDone.countDown();
        }
    }

    /** Entry point; exits with status 1 if the lifecycle did not complete. */
    public static void main(String[] args) throws Exception {
        int code = run();
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the example; returns the process exit status. */
    static int run() throws Exception {
        try (DevServer server = DevServer.builder().port(0).build().start()) {
            say("dev server listening on %s (API key '%s')", server.url(), server.apiKey());

            WorkerOptions options = WorkerOptions.builder()
                    .url(server.url())
                    .apiKey(server.apiKey())
                    .apiSecret(server.apiSecret())
                    .agentName(AGENT_NAME)
                    .maxConcurrentJobs(4)
                    .build();
            ConsoleListener console = new ConsoleListener();
            Worker worker = Worker.create(options, new Greeter());
            worker.addListener(console);
            worker.start();
            if (!worker.awaitReady(Duration.ofSeconds(20))) {
                say("the worker did not register in time");
                worker.close();
                return 1;
            }

            server.createRoom("demo-room");
            String dispatchId = server.createDispatch("demo-room", AGENT_NAME, "{\"greeting\":\"hello\"}");
            say("   dispatched agent '%s' to room 'demo-room' (%s)", AGENT_NAME, dispatchId);

            boolean done = console.jobDone.await(30, TimeUnit.SECONDS);
            // The worker's final UpdateJobStatus travels over the socket; give the server a moment to record it.
            List<LivekitAgent.Job> jobs = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            do {
                jobs = server.listDispatches("demo-room").stream()
                        .filter(d -> d.getId().equals(dispatchId))
                        .flatMap(d -> d.getState().getJobsList().stream())
                        .toList();
                if (!jobs.isEmpty() && jobs.stream().allMatch(LifecycleExample::ended)) {
                    break;
                }
                Thread.sleep(20);
            } while (System.nanoTime() < deadline);
            jobs.forEach(j -> say("   the server records job %s as %s", j.getId(), j.getState().getStatus()));
            say("   stopping the worker (drain)");
            worker.stop();
            worker.awaitTermination(Duration.ofSeconds(20));
            console.stopped.await(5, TimeUnit.SECONDS);   // let the listener print the last status
            if (!done || console.finalStatus != JobStatus.SUCCESS) {
                say("the job did not complete successfully");
                return 1;
            }
            say("done.");
            return 0;
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(LocalTime.now().format(TIME) + "  " + String.format(format, args));
    }

    private static boolean ended(LivekitAgent.Job job) {
        LivekitAgent.JobStatus st = job.getState().getStatus();
        return st == LivekitAgent.JobStatus.JS_SUCCESS || st == LivekitAgent.JobStatus.JS_FAILED;
    }
}
