package io.livekit.agents.internal.worker;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobRequest;
import io.livekit.agents.JobStatus;
import io.livekit.agents.JobType;
import io.livekit.agents.LoadContext;
import io.livekit.agents.MdcKeys;
import io.livekit.agents.ServerInfo;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerListener;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.room.Room;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import livekit.LivekitAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The worker: one WebSocket to {@code <url>/agent}, the registration, job offers, the job runner, status
 * reports, reconnects and drain.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@code lk-worker-<n>}: the worker's own thread. Every protocol decision and every piece of mutable state
 *       lives on it, so nothing here needs locks beyond the status monitor. Not a daemon: a started worker keeps
 *       the JVM alive until it stops.</li>
 *   <li>{@code lk-worker-io-<n>}: the Netty event loop of the connection and of the optional {@link HealthServer};
 *       it only parses frames and requests and hands them to the worker thread.</li>
 *   <li>{@code lk-worker-events-<n>}: calls the {@link WorkerListener}s, in order, one at a time.</li>
 *   <li>Job and decision threads ({@link JobThreads}): {@code lk-job-<jobId>}, {@code lk-decision-<jobId>}.</li>
 * </ul>
 */
public final class WorkerImpl implements Worker, AgentConnection.Listener {

    private static final Logger log = LoggerFactory.getLogger(WorkerImpl.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final int number = COUNTER.incrementAndGet();
    private final WorkerOptions options;
    private final JobHandler handler;
    private final JobType jobType;
    private final URI agentUri;
    private final Backoff backoff;
    private final JobSlots slots;
    private final List<WorkerListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor loop;
    private final ExecutorService events;
    private final CountDownLatch terminatedLatch = new CountDownLatch(1);
    private final Map<String, JobContextImpl> jobs = new ConcurrentHashMap<>();

    private final Object statusLock = new Object();
    private volatile WorkerStatus status = WorkerStatus.INITIALIZING;
    private volatile String workerId;
    private volatile double load;
    private volatile AgentException failure;

    // guarded by this
    private boolean started;
    private Thread shutdownHook;

    // created by start()
    private volatile EventLoopGroup io;
    private volatile JobThreads threads;
    private volatile HealthServer health;

    // worker thread only
    private final Map<String, Offer> offers = new HashMap<>();
    private AgentConnection connection;
    private int generation;
    private boolean registered;
    private boolean everRegistered;
    private int failures;
    private boolean draining;
    private boolean closing;
    private boolean terminated;
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> registerTimer;
    private ScheduledFuture<?> statusTimer;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> drainTimer;
    private boolean lastSentFull;
    private int lastSentJobs = -1;

    /** An offer being decided on or accepted and waiting for its assignment. */
    private static final class Offer {
        enum State { DECIDING, AWAITING_ASSIGNMENT }

        final JobInfo job;
        State state = State.DECIDING;
        ScheduledFuture<?> timer;
        String identity;
        // guarded by this
        Thread decider;

        Offer(JobInfo job) {
            this.job = job;
        }

        synchronized void attach(Thread t) {
            decider = t;
        }

        synchronized void detach() {
            decider = null;
        }

        synchronized void interrupt() {
            if (decider != null) {
                decider.interrupt();
            }
        }
    }

    /**
     * Creates a worker.
     *
     * @throws AgentException if the options' job type disagrees with the handler's
     */
    public WorkerImpl(WorkerOptions options, JobHandler handler) {
        this.options = Objects.requireNonNull(options, "options");
        this.handler = Objects.requireNonNull(handler, "handler");
        Optional<JobType> fromHandler = handler.jobType();
        Optional<JobType> fromOptions = options.jobType();
        if (fromHandler.isPresent() && fromOptions.isPresent() && fromHandler.get() != fromOptions.get()) {
            throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, "the handler serves "
                    + fromHandler.get() + " jobs but the options ask for " + fromOptions.get()
                    + " jobs; remove WorkerOptions.Builder.jobType(...) or use a matching handler");
        }
        this.jobType = fromHandler.or(() -> fromOptions).orElse(JobType.ROOM);
        this.agentUri = AgentConnection.agentUri(options.url());
        this.backoff = new Backoff(options.reconnectPolicy());
        this.slots = new JobSlots(options.maxConcurrentJobs());
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lk-worker-" + number);
            t.setDaemon(false);
            return t;
        });
        this.loop.setRemoveOnCancelPolicy(true);
        this.loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.loop.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lk-worker-events-" + number);
            t.setDaemon(true);
            return t;
        });
    }

    // ---------------------------------------------------------------- public API

    @Override
    public Worker start() {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("the worker was started before; create a new one to start again");
            }
            started = true;
        }
        io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lk-worker-io-" + number, true),
                NioIoHandler.newFactory());
        threads = JobThreads.create(options, number);
        log.info("worker starting: {} for {} jobs, agent name '{}', up to {} jobs at once, jobs run on {}",
                agentUri, jobType, options.agentName(), options.maxConcurrentJobs(), threads.description());
        if (options.healthPort().isPresent()) {
            try {
                health = HealthServer.start(io, options.healthHost().orElse(null), options.healthPort().getAsInt(),
                        loop, this::healthSnapshot, HealthServer.ANSWER_TIMEOUT);
            } catch (AgentException e) {
                onLoopOrNow(() -> fail(e));
                throw e;
            }
            log.info("health server listening on {} (GET /, /ready, /worker)", health.address());
        }
        onLoop(() -> {
            if (options.agentName().isEmpty()) {
                MDC.remove(MdcKeys.AGENT_NAME);
            } else {
                MDC.put(MdcKeys.AGENT_NAME, options.agentName());
            }
            if (!draining) {
                connect();
            }
        });
        return this;
    }

    @Override
    public WorkerStatus status() {
        return status;
    }

    @Override
    public Optional<String> workerId() {
        return Optional.ofNullable(workerId);
    }

    @Override
    public WorkerOptions options() {
        return options;
    }

    @Override
    public JobType jobType() {
        return jobType;
    }

    @Override
    public List<JobInfo> activeJobs() {
        List<JobInfo> out = new ArrayList<>();
        for (JobContextImpl c : jobs.values()) {
            out.add(c.job());
        }
        return List.copyOf(out);
    }

    @Override
    public double load() {
        return load;
    }

    @Override
    public Optional<InetSocketAddress> healthAddress() {
        HealthServer h = health;
        return h == null ? Optional.empty() : Optional.of(h.address());
    }

    /** On the worker thread: what the health endpoints report. */
    private HealthServer.Snapshot healthSnapshot() {
        AgentException f = failure;
        return new HealthServer.Snapshot(status, workerId, f == null ? null : f.getMessage(), options.agentName(),
                jobType, jobs.size(), load);
    }

    @Override
    public Optional<AgentException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void addListener(WorkerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(WorkerListener listener) {
        listeners.remove(listener);
    }

    @Override
    public boolean awaitStatus(WorkerStatus target, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(target, "status");
        return await(s -> s == target, target == WorkerStatus.STOPPED, timeout);
    }

    @Override
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return await(WorkerStatus::isReady, false, timeout);
    }

    private boolean await(Predicate<WorkerStatus> reached, boolean stoppedIsTarget, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        synchronized (statusLock) {
            while (true) {
                WorkerStatus s = status;
                if (reached.test(s)) {
                    return true;
                }
                if (s == WorkerStatus.STOPPED && !stoppedIsTarget) {
                    AgentException f = failure;
                    if (f != null) {
                        throw new AgentException(f.code(), f.getMessage(), f);
                    }
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(statusLock, left);
            }
        }
    }

    @Override
    public void stop() {
        onLoopOrNow(() -> beginStop(options.drainTimeout(),
                "the worker's drain timed out after " + options.drainTimeout().toMillis() + " ms"));
    }

    @Override
    public void stopNow() {
        onLoopOrNow(() -> beginStop(Duration.ZERO, "the worker was stopped"));
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminatedLatch.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        terminatedLatch.await();
    }

    @Override
    public synchronized Worker installShutdownHook() {
        if (shutdownHook != null || terminatedLatch.getCount() == 0) {
            return this;
        }
        Duration limit = options.drainTimeout().plus(options.jobShutdownTimeout()).plusSeconds(5);
        shutdownHook = new Thread(() -> {
            log.info("JVM shutting down: draining the worker (at most {} ms)", limit.toMillis());
            stop();
            try {
                if (!awaitTermination(limit)) {
                    log.warn("the worker did not stop within {} ms of the shutdown signal", limit.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lk-worker-shutdown-" + number);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return this;
    }

    @Override
    public void close() {
        stopNow();
        boolean interrupted = false;
        while (true) {
            try {
                awaitTermination();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Worker{" + agentUri + ", " + jobType + ", agentName='" + options.agentName() + "', status=" + status
                + (workerId != null ? ", id=" + workerId : "") + '}';
    }

    // ---------------------------------------------------------------- connection (worker thread)

    private void connect() {
        reconnectTimer = null;
        if (closing || terminated) {
            return;
        }
        int gen = ++generation;
        String token;
        try {
            token = LiveKitTokens.workerToken(options.apiKey(), options.apiSecret(), LiveKitTokens.WORKER_TOKEN_TTL);
        } catch (RuntimeException e) {
            fail(new AgentException(AgentException.Code.INVALID_CONFIGURATION,
                    "cannot sign the worker token with the API key and secret: " + e.getMessage(), e));
            return;
        }
        log.debug("connecting to {} (attempt {})", agentUri, failures + 1);
        try {
            AgentConnection.open(io, agentUri, token, options.connectTimeout(), options.pingTimeout(), this)
                    .whenComplete((c, err) -> {
                        if (!onLoop(() -> onOpened(gen, c, err)) && c != null) {
                            c.close("the worker stopped");
                        }
                    });
        } catch (RuntimeException | LinkageError e) {
            // never leave the worker waiting for a connection attempt that did not start
            fail(new AgentException(AgentException.Code.INTERNAL, "cannot open a connection to " + agentUri + ": " + e, e));
        }
    }

    private void onOpened(int gen, AgentConnection c, Throwable err) {
        if (err != null) {
            if (gen == generation && !closing) {
                scheduleReconnect(unwrap(err), false);
            }
            return;
        }
        if (gen != generation || closing || terminated) {
            c.close("the worker is stopping");
            return;
        }
        connection = c;
        c.send(Protos.register(options, jobType));
        registerTimer = loop.schedule(safe(() -> {
            if (connection == c && !registered) {
                c.abort(new AgentException(AgentException.Code.TIMEOUT, "the server did not answer the registration within "
                        + options.connectTimeout().toMillis() + " ms"));
            }
        }), options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onMessage(AgentConnection c, LivekitAgent.ServerMessage message) {
        onLoop(() -> handleMessage(c, message));
    }

    @Override
    public void onClosed(AgentConnection c, AgentException cause) {
        onLoop(() -> handleClosed(c, cause));
    }

    private void handleMessage(AgentConnection c, LivekitAgent.ServerMessage m) {
        if (c != connection) {
            return;
        }
        LivekitAgent.ServerMessage.MessageCase kind = m.getMessageCase();
        if (kind == LivekitAgent.ServerMessage.MessageCase.PONG) {
            c.markPong();
            log.trace("pong, round trip {} ms", System.currentTimeMillis() - m.getPong().getLastTimestamp());
            return;
        }
        if (!registered) {
            if (kind == LivekitAgent.ServerMessage.MessageCase.REGISTER) {
                onRegistered(c, m.getRegister());
            } else {
                c.abort(new AgentException(AgentException.Code.PROTOCOL_ERROR, "the server sent " + kind
                        + " before answering the registration"));
            }
            return;
        }
        switch (kind) {
            case AVAILABILITY:
                onAvailability(c, m.getAvailability());
                break;
            case ASSIGNMENT:
                onAssignment(c, m.getAssignment());
                break;
            case TERMINATION:
                onTermination(m.getTermination().getJobId());
                break;
            case REGISTER:
                log.warn("ignoring a second registration answer from the server");
                break;
            default:
                log.warn("ignoring a server message this SDK does not know (a newer server?)");
        }
    }

    private void onRegistered(AgentConnection c, LivekitAgent.RegisterWorkerResponse r) {
        cancel(registerTimer);
        registered = true;
        everRegistered = true;
        failures = 0;
        workerId = r.getWorkerId();
        MDC.put(MdcKeys.WORKER_ID, workerId);
        ServerInfo server = Protos.serverInfo(r);
        log.info("registered as {} with {} (server {}{}), {} jobs, agent name '{}'", workerId, agentUri,
                server.version().isEmpty() ? "version unknown" : server.version(),
                server.region().isEmpty() ? "" : ", region " + server.region(), jobType, options.agentName());
        fire(l -> l.onRegistered(r.getWorkerId(), server));
        if (!jobs.isEmpty()) {
            c.send(Protos.migrate(new ArrayList<>(jobs.keySet())));
            for (String id : jobs.keySet()) {
                c.send(Protos.jobStatus(id, JobStatus.RUNNING, ""));
            }
            log.info("re-reported {} running job(s) to the server: {}", jobs.size(), jobs.keySet());
        }
        computeLoad();
        lastSentJobs = -1;
        recomputeStatus();
        long interval = options.statusInterval().toMillis();
        statusTimer = loop.scheduleAtFixedRate(safe(() -> statusTick(c)), interval, interval, TimeUnit.MILLISECONDS);
        // liveness is checked ten times per ping timeout (pings still go out once per ping interval)
        long ping = options.pingInterval().toNanos();
        long check = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(ping, options.pingTimeout().toNanos() / 10));
        long[] lastPing = {System.nanoTime()};
        pingTimer = loop.scheduleAtFixedRate(safe(() -> {
            if (connection != c) {
                return;
            }
            Duration silent = c.sinceLastPong();
            if (silent.compareTo(options.pingTimeout()) > 0) {
                c.abort(new AgentException(AgentException.Code.CONNECTION_FAILED, "no answer to pings for "
                        + silent.toMillis() + " ms (ping timeout " + options.pingTimeout().toMillis()
                        + " ms); the connection is considered dead"));
                return;
            }
            if (System.nanoTime() - lastPing[0] >= ping) {
                lastPing[0] = System.nanoTime();
                c.send(Protos.ping(System.currentTimeMillis()));
                c.sendPing();
            }
        }), check, check, TimeUnit.NANOSECONDS);
    }

    private void handleClosed(AgentConnection c, AgentException cause) {
        if (c != connection) {
            return;
        }
        connection = null;
        cancel(registerTimer);
        cancel(statusTimer);
        cancel(pingTimer);
        boolean wasRegistered = registered;
        registered = false;
        workerId = null;
        MDC.remove(MdcKeys.WORKER_ID);
        // the server forgets offers of a closed connection: no assignment can follow
        for (Offer o : new ArrayList<>(offers.values())) {
            dropOffer(o);
        }
        if (closing) {
            terminate();
            return;
        }
        if (wasRegistered) {
            log.warn("connection to {} lost: {}; {} running job(s) carry on", agentUri, cause.getMessage(), jobs.size());
        }
        scheduleReconnect(cause, wasRegistered);
        maybeFinishDrain();
    }

    private void scheduleReconnect(AgentException cause, boolean afterRegistration) {
        recomputeStatus();
        if (!cause.isRetryable()) {
            fire(l -> l.onDisconnected(cause, failures + 1, null));
            fail(cause);
            return;
        }
        if (!afterRegistration) {
            failures++;
        }
        if (backoff.exhausted(failures)) {
            fire(l -> l.onDisconnected(cause, failures + 1, null));
            fail(new AgentException(AgentException.Code.RECONNECT_EXHAUSTED, "gave up connecting to " + agentUri
                    + " after " + failures + " attempt(s); last error: " + cause.getMessage(), cause));
            return;
        }
        int attempt = failures + 1;
        Duration delay = backoff.delay(attempt);
        if (afterRegistration || failures == 1) {
            log.warn("{}; reconnecting in {} ms", cause.getMessage(), delay.toMillis());
        } else {
            log.warn("{}; attempt {} in {} ms", cause.getMessage(), attempt, delay.toMillis());
        }
        fire(l -> l.onDisconnected(cause, attempt, delay));
        reconnectTimer = loop.schedule(safe(this::connect), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void fail(AgentException cause) {
        if (failure == null) {
            failure = cause;
        }
        log.error("worker stopping: {}", cause.getMessage());
        beginStop(Duration.ZERO, "the worker failed: " + cause.getMessage());
    }

    // ---------------------------------------------------------------- offers (worker thread)

    private void onAvailability(AgentConnection c, LivekitAgent.AvailabilityRequest req) {
        String id = req.getJob().getId();
        JobInfo job;
        try {
            job = Protos.job(req.getJob());
        } catch (IllegalArgumentException e) {
            log.warn("rejecting job offer '{}': {}", id, e.getMessage());
            c.send(Protos.reject(id, false));
            return;
        }
        JobRequest request = new JobRequest(job, workerId, req.getResuming());
        fire(l -> l.onJobOffered(request));
        String refusal = null;
        if (draining) {
            refusal = "the worker is draining";
        } else if (offers.containsKey(id) || jobs.containsKey(id)) {
            refusal = "the job was offered to this worker before";
        } else if (slots.isFull()) {
            refusal = "at capacity (" + options.maxConcurrentJobs() + " jobs)";
        } else {
            double current = computeLoad();
            if (current >= options.loadThreshold()) {
                refusal = String.format("load %.2f is at or above the threshold %.2f", current, options.loadThreshold());
            } else if (!slots.tryReserve(id)) {
                refusal = "at capacity (" + options.maxConcurrentJobs() + " jobs)";
            }
        }
        if (refusal != null) {
            sendReject(job, refusal, false);
            return;
        }
        Offer offer = new Offer(job);
        offers.put(id, offer);
        recomputeStatus();
        offer.timer = loop.schedule(safe(() -> onDecisionTimeout(offer)),
                options.availabilityTimeout().toNanos(), TimeUnit.NANOSECONDS);
        Map<String, String> mdc = mdcFor(job);
        try {
            threads.start("lk-decision-" + id, () -> decide(offer, request, mdc));
        } catch (RejectedExecutionException e) {
            settleRejected(offer, "no thread free to run onJobRequest (" + e.getMessage() + ")", false);
        }
    }

    /** On a decision thread. */
    private void decide(Offer offer, JobRequest request, Map<String, String> mdc) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        MDC.setContextMap(mdc);
        offer.attach(Thread.currentThread());
        JobDecision decision = null;
        Throwable error = null;
        try {
            decision = handler.onJobRequest(request);
        } catch (Throwable t) {
            error = t;
        } finally {
            offer.detach();
            Thread.interrupted();
            JobRunner.restoreMdc(previous);
        }
        JobDecision d = decision;
        Throwable e = error;
        onLoop(() -> onDecision(offer, d, e));
    }

    private void onDecision(Offer offer, JobDecision d, Throwable error) {
        String id = offer.job.id();
        if (offers.get(id) != offer || offer.state != Offer.State.DECIDING) {
            return;   // timed out, or the connection closed meanwhile
        }
        cancel(offer.timer);
        if (error != null) {
            log.warn("onJobRequest for job {} threw {}; rejecting the offer so another worker can take it", id,
                    error.toString(), error);
            settleRejected(offer, "onJobRequest threw " + error, false);
        } else if (d == null) {
            settleRejected(offer, "onJobRequest returned null", false);
        } else if (draining) {
            settleRejected(offer, "the worker began draining", false);
        } else if (!d.isAccepted()) {
            settleRejected(offer, d.isTerminate() ? "rejected by the handler, dispatch terminated"
                    : "rejected by the handler", d.isTerminate());
        } else {
            offer.identity = d.participantIdentityFor(id);
            offer.state = Offer.State.AWAITING_ASSIGNMENT;
            connection.send(Protos.accept(id, d, options.agentName()));
            offer.timer = loop.schedule(safe(() -> onAssignmentTimeout(offer)),
                    options.assignmentTimeout().toNanos(), TimeUnit.NANOSECONDS);
            log.info("accepted job {} (room '{}') as '{}'", id, offer.job.room().name(), offer.identity);
            String identity = offer.identity;
            fire(l -> l.onJobAccepted(offer.job, identity));
        }
    }

    private void onDecisionTimeout(Offer offer) {
        if (offers.get(offer.job.id()) != offer || offer.state != Offer.State.DECIDING) {
            return;
        }
        offer.interrupt();
        log.warn("onJobRequest for job {} did not answer within {} ms; rejecting the offer so the server can give it "
                + "to another worker in time", offer.job.id(), options.availabilityTimeout().toMillis());
        settleRejected(offer, "onJobRequest did not answer within " + options.availabilityTimeout().toMillis() + " ms",
                false);
    }

    private void onAssignmentTimeout(Offer offer) {
        if (offers.get(offer.job.id()) != offer || offer.state != Offer.State.AWAITING_ASSIGNMENT) {
            return;
        }
        log.warn("job {} was accepted but its assignment did not arrive within {} ms; freeing its slot",
                offer.job.id(), options.assignmentTimeout().toMillis());
        dropOffer(offer);
        recomputeStatus();
        maybeFinishDrain();
    }

    private void settleRejected(Offer offer, String reason, boolean terminate) {
        dropOffer(offer);
        sendReject(offer.job, reason, terminate);
        recomputeStatus();
        maybeFinishDrain();
    }

    private void dropOffer(Offer offer) {
        offers.remove(offer.job.id(), offer);
        cancel(offer.timer);
        slots.release(offer.job.id());
    }

    private void sendReject(JobInfo job, String reason, boolean terminate) {
        if (connection != null) {
            connection.send(Protos.reject(job.id(), terminate));
        }
        log.info("rejected job {} (room '{}'): {}", job.id(), job.room().name(), reason);
        fire(l -> l.onJobRejected(job, reason, terminate));
    }

    // ---------------------------------------------------------------- jobs (worker thread)

    private void onAssignment(AgentConnection c, LivekitAgent.JobAssignment a) {
        String id = a.getJob().getId();
        Offer offer = offers.get(id);
        if (offer == null || offer.state != Offer.State.AWAITING_ASSIGNMENT) {
            log.warn("assignment of job {} which this worker has not accepted (or whose acceptance timed out); "
                    + "reporting it failed", id);
            c.send(Protos.jobStatus(id, JobStatus.FAILED,
                    "the worker did not expect this assignment: not accepted, or accepted too long ago"));
            return;
        }
        offers.remove(id);
        cancel(offer.timer);
        slots.activate(id);
        JobInfo job;
        try {
            job = Protos.job(a.getJob());
        } catch (IllegalArgumentException e) {
            job = offer.job;
        }
        String url = a.hasUrl() && !a.getUrl().isEmpty() ? a.getUrl() : options.url();
        JobContextImpl ctx = new JobContextImpl(job, workerId, url, a.getToken(), offer.identity, mdcFor(job),
                this::onJobCancelled, handler, Room::connect);
        ctx.expectStatusReport();
        jobs.put(id, ctx);
        c.send(Protos.jobStatus(id, JobStatus.RUNNING, ""));
        log.info("job {} running (room '{}', {})", id, job.room().name(), job.type());
        JobInfo started = job;
        fire(l -> l.onJobStarted(started));
        recomputeStatus();
        try {
            threads.start("lk-job-" + id, () -> JobRunner.run(handler, ctx,
                    (done, status, error) -> {
                        if (!onLoop(() -> finishJob(done, status, error))) {
                            done.statusReported();   // the worker is gone: nothing will be reported
                        }
                    }));
        } catch (RejectedExecutionException e) {
            finishJob(ctx, JobStatus.FAILED, AgentException.errorText(new AgentException(AgentException.Code.INTERNAL,
                    "no thread free to run the job (" + e.getMessage() + ")")));
        }
    }

    /** From any thread, when a job is cancelled. */
    private void onJobCancelled(JobContextImpl ctx, String reason) {
        onLoop(() -> {
            if (jobs.get(ctx.job().id()) != ctx) {
                return;
            }
            log.info("job {} cancelled: {}", ctx.job().id(), reason);
            fire(l -> l.onJobCancelled(ctx.job(), reason));
            loop.schedule(safe(() -> {
                if (jobs.get(ctx.job().id()) == ctx) {
                    log.warn("job {} did not return within {} ms of its cancellation; abandoning its thread and "
                            + "reporting the job failed", ctx.job().id(), options.jobShutdownTimeout().toMillis());
                    finishJob(ctx, JobStatus.FAILED, AgentException.errorText(new AgentException(
                            AgentException.Code.CANCELLED, "the handler did not return within "
                            + options.jobShutdownTimeout().toMillis() + " ms of its cancellation (" + reason
                            + ") and was abandoned")));
                    ctx.statusReport().whenComplete((v, e) -> ctx.jobRoom().close(true));
                }
            }), options.jobShutdownTimeout().toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    private void onTermination(String id) {
        JobContextImpl ctx = jobs.get(id);
        if (ctx != null) {
            ctx.cancel("terminated by the server", JobContextImpl.CancelCause.SERVER);
            return;
        }
        Offer offer = offers.get(id);
        if (offer != null) {
            log.info("job {} was terminated before its assignment; freeing its slot", id);
            dropOffer(offer);
            recomputeStatus();
            maybeFinishDrain();
        } else {
            log.debug("termination of unknown job {} ignored", id);
        }
    }

    private void finishJob(JobContextImpl ctx, JobStatus result, String error) {
        String id = ctx.job().id();
        if (!jobs.remove(id, ctx)) {
            ctx.statusReported();
            return;   // already finished (abandoned before its handler returned)
        }
        slots.release(id);
        if (connection != null && registered) {
            connection.send(Protos.jobStatus(id, result, error)).whenComplete((v, e) -> ctx.statusReported());
        } else {
            ctx.statusReported();   // not connected: nothing to wait for before the room is left
        }
        if (result == JobStatus.SUCCESS) {
            log.info("job {} ended: {}", id, result);
        } else {
            log.warn("job {} ended: {} ({})", id, result, error);
        }
        fire(l -> l.onJobEnded(ctx.job(), result, error));
        recomputeStatus();
        maybeFinishDrain();
    }

    // ---------------------------------------------------------------- status (worker thread)

    private double computeLoad() {
        try {
            double v = options.loadCalculator().load(new LoadContext(slots.activeCount(), options.maxConcurrentJobs()));
            if (!Double.isNaN(v)) {
                load = Math.max(0.0, Math.min(1.0, v));
            }
        } catch (RuntimeException e) {
            log.warn("the load calculator failed ({}); keeping the last load {}", e.toString(), load);
        }
        return load;
    }

    private boolean isFull() {
        return slots.isFull() || load >= options.loadThreshold();
    }

    private void statusTick(AgentConnection c) {
        if (connection != c || !registered) {
            return;
        }
        computeLoad();
        recomputeStatus();
        sendStatus();
    }

    private void recomputeStatus() {
        WorkerStatus s;
        if (terminated) {
            s = WorkerStatus.STOPPED;
        } else if (draining && failure == null) {
            s = WorkerStatus.DRAINING;
        } else if (!registered) {
            s = everRegistered ? WorkerStatus.DISCONNECTED : WorkerStatus.INITIALIZING;
        } else {
            computeLoad();
            s = isFull() ? WorkerStatus.FULL : slots.activeCount() > 0 ? WorkerStatus.BUSY : WorkerStatus.IDLE;
        }
        setStatus(s);
        if (registered && connection != null
                && ((draining || isFull()) != lastSentFull || slots.activeCount() != lastSentJobs)) {
            sendStatus();
        }
    }

    private void sendStatus() {
        boolean full = draining || isFull();
        int count = slots.activeCount();
        connection.send(Protos.workerStatus(full, load, count));
        lastSentFull = full;
        lastSentJobs = count;
    }

    private void setStatus(WorkerStatus s) {
        WorkerStatus previous;
        synchronized (statusLock) {
            previous = status;
            if (previous == s) {
                return;
            }
            status = s;
            statusLock.notifyAll();
        }
        log.debug("status {} -> {}", previous, s);
        fire(l -> l.onStatusChanged(previous, s));
    }

    // ---------------------------------------------------------------- stop (worker thread)

    private void beginStop(Duration timeout, String cancelReason) {
        if (terminated || closing) {
            return;
        }
        synchronized (this) {
            if (!started) {
                closing = true;
                terminate();
                return;
            }
        }
        if (!draining) {
            draining = true;
            cancel(reconnectTimer);
            reconnectTimer = null;
            if (!jobs.isEmpty() || !offers.isEmpty()) {
                log.info("draining: taking no new jobs, waiting {} for {} running job(s)",
                        timeout.isZero() ? "not at all" : "up to " + timeout.toMillis() + " ms", jobs.size());
            }
            recomputeStatus();
        }
        if (timeout.isZero()) {
            cancel(drainTimer);
            cancelAll(cancelReason);
        } else if (drainTimer == null) {
            drainTimer = loop.schedule(safe(() -> cancelAll(cancelReason)), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (failure == null && connection == null && reconnectTimer == null && !jobs.isEmpty()) {
            // keep reporting: reconnect so the final job statuses reach the server
            reconnectTimer = loop.schedule(safe(this::connect), backoff.delay(1).toNanos(), TimeUnit.NANOSECONDS);
        }
        maybeFinishDrain();
    }

    private void cancelAll(String reason) {
        for (Offer o : new ArrayList<>(offers.values())) {
            if (o.state == Offer.State.AWAITING_ASSIGNMENT) {
                dropOffer(o);
            }
        }
        if (!jobs.isEmpty()) {
            log.info("cancelling {} running job(s): {}", jobs.size(), reason);
        }
        for (JobContextImpl ctx : new ArrayList<>(jobs.values())) {
            ctx.cancel(reason, JobContextImpl.CancelCause.WORKER);
        }
        maybeFinishDrain();
    }

    private void maybeFinishDrain() {
        if (!draining || closing || terminated || !jobs.isEmpty() || !offers.isEmpty()) {
            return;
        }
        closing = true;
        cancel(drainTimer);
        cancel(reconnectTimer);
        cancel(statusTimer);
        cancel(pingTimer);
        cancel(registerTimer);
        AgentConnection c = connection;
        if (c == null) {
            terminate();
            return;
        }
        if (registered) {
            c.send(Protos.workerStatus(true, load, 0));
        }
        c.close("worker stopped");
        loop.schedule(safe(this::terminate), 3, TimeUnit.SECONDS);
    }

    private void terminate() {
        if (terminated) {
            return;
        }
        terminated = true;
        closing = true;
        connection = null;
        registered = false;
        workerId = null;
        setStatus(WorkerStatus.STOPPED);
        log.info("worker stopped{}", failure != null ? " (" + failure.getMessage() + ")" : "");
        MDC.clear();
        HealthServer h = health;
        if (h != null) {
            health = null;
            h.close();
        }
        EventLoopGroup group = io;
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (h != null && !group.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS)) {
                // NIO frees a closed listening socket only when its selector lets go of it: with the group ended,
                // the health port is free for the next worker once awaitTermination() returns
                log.warn("the worker's event loop did not end within 3 s; the health port may stay taken briefly");
            }
        }
        JobThreads t = threads;
        if (t != null) {
            t.shutdown();
        }
        synchronized (this) {
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down: the hook is what stopped us
                }
                shutdownHook = null;
            }
        }
        events.shutdown();
        loop.shutdown();
        terminatedLatch.countDown();
    }

    // ---------------------------------------------------------------- helpers

    private Map<String, String> mdcFor(JobInfo job) {
        Map<String, String> m = new LinkedHashMap<>();
        if (workerId != null) {
            m.put(MdcKeys.WORKER_ID, workerId);
        }
        m.put(MdcKeys.JOB_ID, job.id());
        m.put(MdcKeys.ROOM, job.room().name());
        m.put(MdcKeys.AGENT_NAME, options.agentName());
        job.participant().ifPresent(p -> m.put(MdcKeys.PARTICIPANT, p.identity()));
        return m;
    }

    private static AgentException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c instanceof AgentException ? (AgentException) c
                : new AgentException(AgentException.Code.CONNECTION_FAILED, c.toString(), c);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private Runnable safe(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                log.error("internal error in the worker (please report it): {}", t.toString(), t);
            }
        };
    }

    /** Runs on the worker thread; false if the worker has terminated. */
    private boolean onLoop(Runnable r) {
        try {
            loop.execute(safe(r));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs on the worker thread, or here when the worker thread is gone (the worker terminated). */
    private void onLoopOrNow(Runnable r) {
        if (!onLoop(r)) {
            log.debug("worker already terminated");
        }
    }

    private void fire(Consumer<WorkerListener> event) {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            events.execute(() -> {
                for (WorkerListener l : listeners) {
                    try {
                        event.accept(l);
                    } catch (Throwable t) {
                        log.warn("a worker listener threw {}", t.toString(), t);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // terminated: no more events
        }
    }

    /** For tests: the job contexts now running. */
    List<JobContext> runningContexts() {
        return new ArrayList<>(jobs.values());
    }
}
