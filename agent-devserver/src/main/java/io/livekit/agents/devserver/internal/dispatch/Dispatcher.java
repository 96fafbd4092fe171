package io.livekit.agents.devserver.internal.dispatch;

import com.google.protobuf.InvalidProtocolBufferException;
import io.livekit.agents.devserver.DevServerException;
import io.livekit.agents.devserver.DevServerListener;
import io.livekit.agents.devserver.DispatchMode;
import io.livekit.agents.devserver.WorkerInfo;
import io.livekit.agents.devserver.internal.Ids;
import io.livekit.agents.devserver.internal.proto.NewerFields;
import io.livekit.agents.devserver.internal.rtc.JoinGrant;
import io.livekit.agents.devserver.internal.rtc.RoomEvents;
import io.livekit.agents.devserver.internal.rtc.RtcMedia;
import io.livekit.agents.devserver.internal.rtc.RtcRoom;
import io.livekit.agents.devserver.internal.rtc.RtcSettings;
import livekit.LivekitAgent.AvailabilityRequest;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobAssignment;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgent.JobTermination;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.MigrateJobRequest;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.RegisterWorkerResponse;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.SimulateJobRequest;
import livekit.LivekitAgent.UpdateJobStatus;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerMessage;
import livekit.LivekitAgent.WorkerPing;
import livekit.LivekitAgent.WorkerPong;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.CreateAgentDispatchRequest;
import livekit.LivekitAgentDispatch.RoomAgentDispatch;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ParticipantPermission;
import livekit.LivekitModels.Room;
import livekit.LivekitRoom.CreateRoomRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The dev server's agent dispatcher: rooms, their agent dispatches, registered workers and the jobs offered to
 * them, following LiveKit's open-source server ({@code pkg/service/agentservice.go}, {@code pkg/agent/worker.go},
 * {@code pkg/agent/client.go}, {@code pkg/rtc/room.go}).
 *
 * <p>All state lives on one thread, {@code lk-devserver-dispatch}; connections, Twirp handlers and in-process
 * callers hand their work to it. That keeps the rules below free of locks and makes every event happen in one
 * order, which the listeners see.
 */
public final class Dispatcher {

    /** The attribute the server adds to every agent's token: the worker's agent name. */
    public static final String AGENT_NAME_ATTRIBUTE = "lk.agent_name";
    /** The error LiveKit's server records when an agent's room goes away under a running job. */
    public static final String AGENT_LEFT_ROOM = "agent worker left the room";
    /** How long a blocking in-process call waits for the dispatch thread. */
    private static final long CALL_TIMEOUT_SECONDS = 30;
    private static final int MAX_DEPLOYMENT_BYTES = 64;
    private static final int MAX_ROOM_NAME_BYTES = 256;
    /** A room is not closed for being empty this soon after a join was admitted (the participant is connecting). */
    private static final long ADMISSION_GRACE_MILLIS = 5_000;
    /** How long an agent has to leave after its dispatch was deleted before it is removed (LiveKit: 3 s). */
    private static final Duration AGENT_LEAVE_GRACE = Duration.ofSeconds(3);

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final DispatchSettings settings;
    private final List<DevServerListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor exec;
    private volatile Thread dispatchThread;

    // ---- state: dispatch thread only ----
    private final Map<String, RoomRecord> rooms = new LinkedHashMap<>();
    private final Set<WorkerSession> sessions = new LinkedHashSet<>();
    private final Map<String, WorkerSession> workers = new LinkedHashMap<>();
    private final Map<PoolKey, List<WorkerSession>> pools = new LinkedHashMap<>();
    /** Assigned jobs whose worker is connected and that have not ended. */
    private final Map<String, JobRecord> runningJobs = new LinkedHashMap<>();
    /** Assigned jobs whose worker left before they ended (LiveKit forgets them; LENIENT can re-attach them). */
    private final Map<String, JobRecord> orphanedJobs = new LinkedHashMap<>();

    private final RtcMedia media;
    private final RtcSettings rtcSettings;
    private final RoomEvents roomEvents = new RoomEvents() {
        @Override
        public void participantJoined(RtcRoom room, ParticipantInfo info) {
            run(() -> onParticipantJoined(room, info));
        }

        @Override
        public void participantChanged(RtcRoom room, ParticipantInfo info) {
            run(() -> onParticipantChanged(room, info));
        }

        @Override
        public void participantLeft(RtcRoom room, ParticipantInfo info, DisconnectReason reason, boolean replaced) {
            run(() -> onParticipantLeft(room, info, reason, replaced));
        }
    };

    /**
     * @param settings    the configuration
     * @param media       the WebRTC stack of the live rooms
     * @param rtcSettings the room signalling configuration
     */
    public Dispatcher(DispatchSettings settings, RtcMedia media, RtcSettings rtcSettings) {
        this.settings = settings;
        this.media = media;
        this.rtcSettings = rtcSettings;
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lk-devserver-dispatch");
            t.setDaemon(true);
            dispatchThread = t;
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        exec.scheduleWithFixedDelay(guarded(this::closeIdleRooms), 1, 1, TimeUnit.SECONDS);
    }

    /** The configuration. */
    public DispatchSettings settings() {
        return settings;
    }

    /** Adds a listener (called on the dispatch thread). */
    public void addListener(DevServerListener l) {
        listeners.add(l);
    }

    /** Removes a listener. */
    public void removeListener(DevServerListener l) {
        listeners.remove(l);
    }

    /** Stops the dispatch thread; pending work is dropped. */
    public void shutdown() {
        exec.shutdownNow();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // =====================================================================================================
    // Running work on the dispatch thread
    // =====================================================================================================

    /**
     * Runs {@code task} on the dispatch thread and waits for its result (directly when already on it).
     *
     * @throws DevServerException the task's own, or UNAVAILABLE / DEADLINE_EXCEEDED / INTERNAL
     */
    public <T> T call(Callable<T> task) {
        if (Thread.currentThread() == dispatchThread) {
            return callHere(task);
        }
        Future<T> f;
        try {
            f = exec.submit(() -> callHere(task));
        } catch (RejectedExecutionException e) {
            throw new DevServerException(DevServerException.Code.UNAVAILABLE, "the dev server is closed");
        }
        try {
            return f.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof DevServerException d) {
                throw d;
            }
            throw new DevServerException(DevServerException.Code.INTERNAL, "dev server failure: " + c, c);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new DevServerException(DevServerException.Code.DEADLINE_EXCEEDED,
                    "the dev server's dispatch thread did not answer within " + CALL_TIMEOUT_SECONDS
                            + " s (is a DevServerListener blocking it?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new DevServerException(DevServerException.Code.UNAVAILABLE, "interrupted while waiting for the dev server");
        }
    }

    /** Runs {@code task} on the dispatch thread; the future completes with its result or exception. */
    public <T> CompletableFuture<T> callAsync(Callable<T> task) {
        CompletableFuture<T> out = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                try {
                    out.complete(task.call());
                } catch (Throwable t) {
                    out.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            out.completeExceptionally(new DevServerException(DevServerException.Code.UNAVAILABLE, "the dev server is closed"));
        }
        return out;
    }

    private static <T> T callHere(Callable<T> task) {
        try {
            return task.call();
        } catch (DevServerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DevServerException(DevServerException.Code.INTERNAL, "dev server failure: " + e, e);
        } catch (Exception e) {
            throw new DevServerException(DevServerException.Code.INTERNAL, "dev server failure: " + e, e);
        }
    }

    private void run(Runnable r) {
        try {
            exec.execute(guarded(r));
        } catch (RejectedExecutionException e) {
            LOG.debug("dev server closed; dropped {}", r);
        }
    }

    private ScheduledFuture<?> schedule(Duration delay, Runnable r) {
        return schedule(delay.toNanos(), r);
    }

    private ScheduledFuture<?> schedule(long delayNanos, Runnable r) {
        try {
            return exec.schedule(guarded(r), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private static Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                LOG.error("dev server dispatch task failed", t);
            }
        };
    }

    private void emit(Consumer<DevServerListener> event) {
        for (DevServerListener l : listeners) {
            try {
                event.accept(l);
            } catch (Throwable t) {
                LOG.warn("DevServerListener {} threw", l, t);
            }
        }
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // =====================================================================================================
    // Worker connections (called by the connection side, from any thread)
    // =====================================================================================================

    /** A WebSocket on {@code /agent} was opened; it must register within the register timeout. */
    public void connected(WorkerSession s) {
        run(() -> {
            if (s.closed) {
                return;
            }
            sessions.add(s);
            s.registerTimer = schedule(settings.registerTimeout(), () -> {
                if (!s.registered && !s.closed) {
                    closeSession(s, 1008, "no register message within "
                            + settings.registerTimeout().toMillis() / 1000.0 + " s of connecting");
                }
            });
        });
    }

    /** A message arrived on a worker connection. */
    public void received(WorkerSession s, WorkerMessage m) {
        run(() -> handle(s, m));
    }

    /** The connection side found a protocol error (undecodable frame, ...): close the connection with a reason. */
    public void protocolError(WorkerSession s, int code, String reason) {
        run(() -> closeSession(s, code, reason));
    }

    /** A worker connection ended. */
    public void disconnected(WorkerSession s, String reason) {
        run(() -> onClosed(s, reason));
    }

    /** A connection was refused at the upgrade (bad token, ...); tells the listeners. */
    public void connectionRefused(String remoteAddress, String reason) {
        run(() -> emit(l -> l.onConnectionRejected(remoteAddress, reason)));
    }

    /** Closes every worker connection (the server is stopping). */
    public void closeAll(String reason) {
        call(() -> {
            for (WorkerSession s : new ArrayList<>(sessions)) {
                closeSession(s, 1001, reason);
            }
            return null;
        });
    }

    private void handle(WorkerSession s, WorkerMessage m) {
        if (s.closed) {
            return;
        }
        WorkerMessage.MessageCase kind = m.getMessageCase();
        if (kind == WorkerMessage.MessageCase.PING) {
            pong(s, m.getPing());
            return;
        }
        if (!s.registered) {
            if (kind == WorkerMessage.MessageCase.REGISTER) {
                register(s, m.getRegister());
            } else if (kind == WorkerMessage.MessageCase.MESSAGE_NOT_SET) {
                closeSession(s, 1008, "unknown worker signal (empty message); the first message must be register");
            } else {
                closeSession(s, 1008, "unimplemented worker signal: " + signalName(kind)
                        + " before register; the first message must be register");
            }
            return;
        }
        switch (kind) {
            case AVAILABILITY -> answered(s, m.getAvailability());
            case UPDATE_WORKER -> updateWorker(s, m.getUpdateWorker());
            case UPDATE_JOB -> updateJob(s, m.getUpdateJob());
            case SIMULATE_JOB -> simulate(s, m.getSimulateJob());
            case MIGRATE_JOB -> migrate(s, m.getMigrateJob());
            case REGISTER -> closeSession(s, 1008,
                    "unimplemented worker signal: Register (this connection is already registered)");
            default -> closeSession(s, 1008, "unknown worker signal (empty or unknown message kind)");
        }
    }

    private static String signalName(WorkerMessage.MessageCase kind) {
        return switch (kind) {
            case REGISTER -> "Register";
            case AVAILABILITY -> "Availability";
            case UPDATE_WORKER -> "UpdateWorker";
            case UPDATE_JOB -> "UpdateJob";
            case PING -> "Ping";
            case SIMULATE_JOB -> "SimulateJob";
            case MIGRATE_JOB -> "MigrateJob";
            case MESSAGE_NOT_SET -> "unknown";
        };
    }

    private void pong(WorkerSession s, WorkerPing ping) {
        s.send(ServerMessage.newBuilder()
                .setPong(WorkerPong.newBuilder()
                        .setLastTimestamp(ping.getTimestamp())
                        .setTimestamp(System.currentTimeMillis()))
                .build());
    }

    private void register(WorkerSession s, RegisterWorkerRequest r) {
        if (r.getType() == JobType.UNRECOGNIZED) {
            closeSession(s, 1008, "unknown job type " + r.getTypeValue() + " in register");
            return;
        }
        String deployment = NewerFields.string(r, NewerFields.REGISTER_DEPLOYMENT);
        String bad = deploymentError(deployment);
        if (bad != null) {
            closeSession(s, 1008, "invalid deployment in register: " + bad);
            return;
        }
        s.id = Ids.next(Ids.WORKER);
        s.agentName = r.getAgentName();
        s.namespace = r.getNamespace();
        s.jobType = r.getType();
        s.deployment = deployment;
        s.version = r.getVersion();
        s.permissions = r.hasAllowedPermissions() ? r.getAllowedPermissions() : ParticipantPermission.newBuilder()
                .setCanSubscribe(true)
                .setCanPublish(true)
                .setCanPublishData(true)
                .setCanUpdateMetadata(true)
                .build();
        s.registered = true;
        s.registeredAt = Instant.now();
        if (s.registerTimer != null) {
            s.registerTimer.cancel(false);
            s.registerTimer = null;
        }
        workers.put(s.id, s);
        pools.computeIfAbsent(s.poolKey(), k -> new ArrayList<>()).add(s);
        s.send(ServerMessage.newBuilder()
                .setRegister(RegisterWorkerResponse.newBuilder()
                        .setWorkerId(s.id)
                        .setServerInfo(settings.serverInfo()))
                .build());
        LOG.info("worker registered: id={} agentName='{}' namespace='{}' jobType={} version='{}' from {}",
                s.id, s.agentName, s.namespace, s.jobType, s.version, s.link.remoteAddress());
        WorkerInfo info = s.snapshot();
        emit(l -> l.onWorkerRegistered(info));
    }

    private void updateWorker(WorkerSession s, UpdateWorkerStatus u) {
        if (u.hasStatus()) {
            WorkerStatus st = u.getStatus();
            if (st != s.status) {
                LOG.debug("worker {} status {} -> {}", s.id, s.status, st);
            }
            s.status = st;
        }
        // as LiveKit's server: the load is always overwritten, so an update without a load means 0
        s.load = u.getLoad();
        s.reportedJobCount = u.getJobCount();
        WorkerInfo info = s.snapshot();
        emit(l -> l.onWorkerStatus(info));
    }

    private void updateJob(WorkerSession s, UpdateJobStatus u) {
        JobRecord r = s.runningJobs.get(u.getJobId());
        if (r == null) {
            LOG.debug("received job update for unknown job {} from worker {}", u.getJobId(), s.id);
            return;
        }
        applyStatus(r, u.getStatusValue(), u.getError());
        if (isEnded(u.getStatusValue())) {
            LOG.info("job ended: id={} status={} error='{}' worker={}", r.id(), u.getStatus(), u.getError(), s.id);
            s.runningJobs.remove(r.id());
            runningJobs.remove(r.id());
            r.worker = null;
        }
        Job job = r.job.build();
        emit(l -> l.onJobStatus(job));
    }

    @SuppressWarnings("deprecation") // Job.namespace: deprecated by LiveKit, still sent by its server
    private void simulate(WorkerSession s, SimulateJobRequest sim) {
        Job.Builder job = Job.newBuilder()
                .setId(Ids.next(Ids.JOB))
                .setType(sim.hasParticipant() ? JobType.JT_PUBLISHER : JobType.JT_ROOM)
                .setRoom(sim.getRoom())
                .setNamespace(s.namespace)
                .setAgentName(s.agentName);
        if (sim.hasParticipant()) {
            job.setParticipant(sim.getParticipant());
        }
        LOG.info("simulated job {} for worker {} (room '{}')", job.getId(), s.id, sim.getRoom().getName());
        tryNext(new JobLaunch(job.build(), s.poolKey(), null, s, Long.MAX_VALUE));
    }

    private void migrate(WorkerSession s, MigrateJobRequest req) {
        s.migratedJobIds.addAll(req.getJobIdsList());
        if (settings.mode() != DispatchMode.LENIENT) {
            LOG.debug("worker {} asked to migrate jobs {}; ignored as on LiveKit's server (STRICT_OSS)",
                    s.id, req.getJobIdsList());
            return;
        }
        for (String id : req.getJobIdsList()) {
            JobRecord r = orphanedJobs.remove(id);
            if (r == null) {
                LOG.debug("worker {} migrates unknown or still attached job {}", s.id, id);
                continue;
            }
            r.worker = s;
            r.job.getStateBuilder().setWorkerId(s.id).setUpdatedAt(nowNanos());
            s.runningJobs.put(id, r);
            runningJobs.put(id, r);
            LOG.info("job {} re-attached to reconnected worker {} (LENIENT)", id, s.id);
        }
    }

    private void closeSession(WorkerSession s, int code, String reason) {
        if (s.closed) {
            return;
        }
        LOG.info("closing {}: {}", s, reason);
        s.link.close(code, reason);
        onClosed(s, reason);
    }

    private void onClosed(WorkerSession s, String reason) {
        if (s.closed) {
            return;
        }
        WorkerInfo before = s.registered ? s.snapshot() : null;
        s.closed = true;
        sessions.remove(s);
        if (s.registerTimer != null) {
            s.registerTimer.cancel(false);
            s.registerTimer = null;
        }
        if (!s.registered) {
            LOG.info("connection from {} ended before it registered: {}", s.link.remoteAddress(), reason);
            emit(l -> l.onConnectionRejected(s.link.remoteAddress(), reason));
            return;
        }
        workers.remove(s.id);
        List<WorkerSession> pool = pools.get(s.poolKey());
        if (pool != null) {
            pool.remove(s);
            if (pool.isEmpty()) {
                pools.remove(s.poolKey());
            }
        }
        // offers in flight go to the next worker, as LiveKit retries ErrWorkerClosed
        List<Offer> offers = new ArrayList<>(s.pendingOffers.values());
        s.pendingOffers.clear();
        // running jobs are dropped from the worker, as LiveKit does; their dispatch keeps the last state
        for (JobRecord r : s.runningJobs.values()) {
            runningJobs.remove(r.id());
            r.worker = null;
            orphanedJobs.put(r.id(), r);
        }
        int dropped = s.runningJobs.size();
        s.runningJobs.clear();
        LOG.info("worker {} disconnected: {}{}", s.id, reason,
                dropped == 0 ? "" : " (" + dropped + " running job(s) dropped)");
        emit(l -> l.onWorkerDisconnected(before, reason));
        for (Offer o : offers) {
            o.cancelTimer();
            LOG.info("worker {} closed while job {} was offered to it; trying the next worker", s.id, o.offered.getId());
            tryNext(o.launch);
        }
    }

    // =====================================================================================================
    // Offering jobs
    // =====================================================================================================

    private Duration perWorkerTimeout() {
        return settings.mode() == DispatchMode.STRICT_OSS ? settings.workerAnswerTimeout() : settings.availabilityTimeout();
    }

    /** Launches the jobs of one dispatch for one job type, as LiveKit's {@code agentClient.LaunchJob}. */
    @SuppressWarnings("deprecation") // Job.namespace: deprecated by LiveKit, still sent by its server
    private void launch(RoomRecord room, DispatchRecord d, JobType type, ParticipantInfo participant) {
        Job.Builder base = Job.newBuilder()
                .setDispatchId(d.id)
                .setType(type)
                .setRoom(room.toProto())
                .setMetadata(d.metadata)
                .setAgentName(d.agentName);
        if (participant != null) {
            base.setParticipant(participant);
        }
        NewerFields.setString(base, NewerFields.JOB_DEPLOYMENT, d.deployment);
        NewerFields.setStringMap(base, NewerFields.JOB_ATTRIBUTES, d.attributes);

        Set<String> namespaces = new LinkedHashSet<>();
        boolean nameKnown = d.agentName.isEmpty();
        for (PoolKey k : pools.keySet()) {
            if (k.jobType() == type) {
                namespaces.add(k.namespace());
                nameKnown |= k.agentName().equals(d.agentName);
            }
        }
        if (!nameKnown || namespaces.isEmpty()) {
            Job job = base.setId(Ids.next(Ids.JOB)).build();
            notPlaced(job, "not dispatching agent job since no worker is available (agentName='" + d.agentName
                    + "', jobType=" + type + ")");
            return;
        }
        for (String ns : namespaces) {
            Job job = base.clone().setId(Ids.next(Ids.JOB)).setNamespace(ns).build();
            PoolKey key = new PoolKey(d.agentName, ns, type, d.deployment);
            if (!pools.containsKey(key)) {
                notPlaced(job, "no servers available: no worker is registered for " + key);
                continue;
            }
            if (!hasAffinity(key)) {
                notPlaced(job, "no servers available: no worker of " + key + " is available with a load below"
                        + " target_load " + settings.targetLoad());
                continue;
            }
            long deadline = settings.mode() == DispatchMode.STRICT_OSS
                    ? System.nanoTime() + settings.availabilityTimeout().toNanos() : Long.MAX_VALUE;
            tryNext(new JobLaunch(job, key, d, null, deadline));
        }
    }

    /** LiveKit's {@code JobRequestAffinity}: some available worker must report a load below target_load. */
    private boolean hasAffinity(PoolKey key) {
        double affinity = 0;
        for (WorkerSession w : pools.getOrDefault(key, List.of())) {
            if (w.status == WorkerStatus.WS_AVAILABLE && Float.isFinite(w.load)) {
                affinity += Math.max(0, settings.targetLoad() - w.load);
            }
        }
        return affinity > 0;
    }

    /** LiveKit's {@code selectWorkerWeightedByLoad}: random among available workers, weighted by {@code 1 - load}. */
    private WorkerSession select(PoolKey key, Set<WorkerSession> ignore) {
        List<WorkerSession> candidates = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        double sum = 0;
        for (WorkerSession w : pools.getOrDefault(key, List.of())) {
            if (!ignore.contains(w) && !w.closed && w.status == WorkerStatus.WS_AVAILABLE) {
                double weight = Float.isFinite(w.load) ? Math.max(0, 1 - w.load) : 0;
                candidates.add(w);
                weights.add(weight);
                sum += weight;
            }
        }
        if (sum <= 0) {
            return null;
        }
        double pick = ThreadLocalRandom.current().nextDouble() * sum;
        for (int i = 0; i < candidates.size(); i++) {
            pick -= weights.get(i);
            if (pick <= 0 && weights.get(i) > 0) {
                return candidates.get(i);
            }
        }
        for (int i = candidates.size() - 1; i >= 0; i--) {
            if (weights.get(i) > 0) {
                return candidates.get(i);
            }
        }
        return null;
    }

    private void tryNext(JobLaunch l) {
        if (System.nanoTime() >= l.deadline) {
            notPlaced(l.job, "context deadline exceeded: no worker accepted the job within "
                    + settings.availabilityTimeout().toMillis() + " ms (STRICT_OSS; LiveKit does not retry)");
            return;
        }
        WorkerSession w;
        if (l.onlyWorker != null) {
            w = l.attempted.isEmpty() && !l.onlyWorker.closed ? l.onlyWorker : null;
            if (w == null) {
                notPlaced(l.job, l.attempted.isEmpty() ? "worker closed" : "the worker refused its simulated job");
                return;
            }
        } else {
            w = select(l.key, l.attempted);
            if (w == null) {
                notPlaced(l.job, (pools.containsKey(l.key) ? "no workers with sufficient capacity" : "no workers available")
                        + " in " + l.key + (l.attempted.isEmpty() ? "" : " (" + l.attempted.size() + " tried)"));
                return;
            }
        }
        l.attempted.add(w);
        offer(l, w);
    }

    private void offer(JobLaunch l, WorkerSession w) {
        Job.Builder offered = l.job.toBuilder();
        long now = nowNanos();
        offered.getStateBuilder()
                .setWorkerId(w.id)
                .setStartedAt(now)
                .setUpdatedAt(now)
                .setStatus(JobStatus.JS_RUNNING);
        Offer o = new Offer(l, w, offered);
        if (w.pendingOffers.putIfAbsent(offered.getId(), o) != null) {
            notPlaced(l.job, "duplicate job assignment");
            return;
        }
        Job job = offered.build();
        w.send(ServerMessage.newBuilder().setAvailability(AvailabilityRequest.newBuilder().setJob(job)).build());
        long timeout = perWorkerTimeout().toNanos();
        if (l.deadline != Long.MAX_VALUE) {
            timeout = Math.min(timeout, l.deadline - System.nanoTime());
        }
        o.timer = schedule(timeout, () -> offerTimedOut(o));
        LOG.debug("offered job {} to worker {}", job.getId(), w.id);
        WorkerInfo info = w.snapshot();
        emit(x -> x.onJobOffered(job, info));
    }

    private void offerTimedOut(Offer o) {
        o.timer = null;
        if (!o.worker.pendingOffers.remove(o.offered.getId(), o)) {
            return;
        }
        JobLaunch l = o.launch;
        if (settings.mode() == DispatchMode.STRICT_OSS || l.onlyWorker != null) {
            boolean deadline = System.nanoTime() >= l.deadline;
            notPlaced(l.job, (deadline ? "context deadline exceeded" : "agent worker availability timeout")
                    + ": worker " + o.worker.id + " did not answer the AvailabilityRequest within "
                    + (deadline ? settings.availabilityTimeout() : perWorkerTimeout()).toMillis() + " ms"
                    + (l.onlyWorker != null ? "" : " (STRICT_OSS: LiveKit does not retry)"));
            return;
        }
        LOG.warn("worker {} did not answer the offer of job {} within {} ms; trying the next worker (LENIENT)",
                o.worker.id, l.job.getId(), perWorkerTimeout().toMillis());
        tryNext(l);
    }

    private void answered(WorkerSession s, AvailabilityResponse res) {
        Offer o = s.pendingOffers.remove(res.getJobId());
        if (o == null) {
            LOG.warn("received availability response for unknown job {} from worker {} (too late, or never offered)",
                    res.getJobId(), s.id);
            return;
        }
        o.cancelTimer();
        Job asked = o.offered.build();
        WorkerInfo info = s.snapshot();
        emit(l -> l.onAvailabilityAnswered(asked, info, res));
        JobLaunch l = o.launch;
        if (res.getTerminate()) {
            o.offered.getStateBuilder().setStatus(JobStatus.JS_SUCCESS).setEndedAt(nowNanos());
            LOG.info("worker {} refused job {} and asked to terminate it", s.id, asked.getId());
            JobRecord r = new JobRecord(o.offered, l.dispatch, null);
            placed(r);
            Job ended = r.job.build();
            emit(x -> x.onJobStatus(ended));
            return;
        }
        if (!res.getAvailable()) {
            LOG.info("worker {} is not available for job {}; trying the next worker", s.id, asked.getId());
            tryNext(l);
            return;
        }
        assign(o, res);
    }

    private void assign(Offer o, AvailabilityResponse res) {
        WorkerSession w = o.worker;
        Job.Builder job = o.offered;
        job.getStateBuilder().setParticipantIdentity(res.getParticipantIdentity());
        Map<String, String> attributes = new LinkedHashMap<>(res.getParticipantAttributesMap());
        attributes.put(AGENT_NAME_ATTRIBUTE, w.agentName);
        String token = AgentTokens.build(w.apiKey, w.apiSecret, job.getRoom().getName(), res.getParticipantIdentity(),
                res.getParticipantName(), res.getParticipantMetadata(), attributes, w.permissions);
        Job assigned = job.build();
        w.send(ServerMessage.newBuilder()
                .setAssignment(JobAssignment.newBuilder().setJob(assigned).setToken(token))
                .build());
        JobRecord r = new JobRecord(job, o.launch.dispatch, w);
        w.runningJobs.put(r.id(), r);
        runningJobs.put(r.id(), r);
        LOG.info("assigned job {} (room '{}', agentName '{}', type {}) to worker {} as '{}'", r.id(), r.roomName(),
                assigned.getAgentName(), assigned.getType(), w.id, res.getParticipantIdentity());
        WorkerInfo info = w.snapshot();
        emit(l -> l.onJobAssigned(assigned, info, token));
        placed(r);
    }

    /** A job's offer succeeded: attach it to its dispatch, and end it at once if that went away meanwhile. */
    private void placed(JobRecord r) {
        DispatchRecord d = r.dispatch;
        if (d == null) {
            return;
        }
        d.jobs.add(r);
        if (d.endStatus != null) {
            terminate(r, d.endStatus, d.endError);
        }
    }

    private void notPlaced(Job job, String reason) {
        LOG.info("job {} (room '{}', agentName '{}', type {}) not placed: {}", job.getId(), job.getRoom().getName(),
                job.getAgentName(), job.getType(), reason);
        emit(l -> l.onJobNotPlaced(job, reason));
    }

    private static boolean isEnded(int statusValue) {
        return statusValue == JobStatus.JS_SUCCESS_VALUE || statusValue == JobStatus.JS_FAILED_VALUE;
    }

    /** LiveKit's {@code Worker.UpdateJobStatus}, on the record's live state. */
    private static void applyStatus(JobRecord r, int statusValue, String error) {
        long now = nowNanos();
        var state = r.job.getStateBuilder();
        state.setUpdatedAt(now);
        if (state.getStatus() == JobStatus.JS_PENDING && statusValue != JobStatus.JS_PENDING_VALUE) {
            state.setStartedAt(now);
        }
        state.setStatusValue(statusValue);
        state.setError(error);
        if (isEnded(statusValue)) {
            state.setEndedAt(now);
        }
    }

    /** LiveKit's {@code Worker.TerminateJob}: tell the worker, and end the job with the given state. */
    private void terminate(JobRecord r, JobStatus status, String error) {
        WorkerSession w = r.worker;
        if (w == null) {
            return;
        }
        w.send(ServerMessage.newBuilder().setTermination(JobTermination.newBuilder().setJobId(r.id())).build());
        Job before = r.job.build();
        emit(l -> l.onJobTerminated(before));
        applyStatus(r, status.getNumber(), error);
        w.runningJobs.remove(r.id());
        runningJobs.remove(r.id());
        r.worker = null;
        LOG.info("terminated job {} on worker {} ({}{})", r.id(), w.id, status, error.isEmpty() ? "" : ": " + error);
        Job after = r.job.build();
        emit(l -> l.onJobStatus(after));
    }

    // =====================================================================================================
    // Rooms (RoomService and in-process)
    // =====================================================================================================

    /** CreateRoom: creates the room and launches its dispatches; an existing room is returned unchanged. */
    public Room createRoom(CreateRoomRequest req) {
        String name = req.getName();
        String bad = roomNameError(name);
        if (bad != null) {
            throw new DevServerException(DevServerException.Code.INVALID_ARGUMENT, bad);
        }
        RoomRecord existing = rooms.get(name);
        if (existing != null) {
            return existing.toProto();
        }
        List<RoomAgentDispatch> agents = new ArrayList<>(req.getAgentsList());
        for (RoomAgentDispatch a : agents) {
            String err = deploymentError(NewerFields.string(a, NewerFields.ROOM_DISPATCH_DEPLOYMENT));
            if (err != null) {
                throw new DevServerException(DevServerException.Code.INVALID_ARGUMENT, "invalid deployment of agent '"
                        + a.getAgentName() + "': " + err);
            }
        }
        long nowMillis = System.currentTimeMillis();
        Room.Builder room = Room.newBuilder()
                .setSid(Ids.next(Ids.ROOM))
                .setName(name)
                .setEmptyTimeout(req.getEmptyTimeout() > 0 ? req.getEmptyTimeout()
                        : (int) settings.roomEmptyTimeout().toSeconds())
                .setDepartureTimeout(req.getDepartureTimeout() > 0 ? req.getDepartureTimeout()
                        : (int) settings.roomDepartureTimeout().toSeconds())
                .setMaxParticipants(req.getMaxParticipants())
                .setCreationTime(nowMillis / 1000)
                .setCreationTimeMs(nowMillis)
                .setMetadata(req.getMetadata());
        RoomRecord r = new RoomRecord(room);
        rooms.put(name, r);
        if (agents.isEmpty()) {
            // automatic dispatch: with no agents configured, every room gets one for unnamed workers
            agents.add(RoomAgentDispatch.getDefaultInstance());
        }
        List<DispatchRecord> created = new ArrayList<>();
        for (RoomAgentDispatch a : agents) {
            Map<String, String> attributes;
            try {
                attributes = NewerFields.stringMap(a, NewerFields.ROOM_DISPATCH_ATTRIBUTES);
            } catch (InvalidProtocolBufferException e) {
                attributes = Map.of();
            }
            DispatchRecord d = new DispatchRecord(Ids.next(Ids.DISPATCH), a.getAgentName(), name, a.getMetadata(),
                    a.getRestartPolicy(), NewerFields.string(a, NewerFields.ROOM_DISPATCH_DEPLOYMENT), attributes,
                    nowNanos());
            r.dispatches.put(d.id, d);
            created.add(d);
        }
        LOG.info("room created: '{}' ({}) with dispatches {}", name, room.getSid(),
                created.stream().map(d -> d.id + "(agentName='" + d.agentName + "')").toList());
        for (DispatchRecord d : created) {
            launch(r, d, JobType.JT_ROOM, null);
        }
        return r.toProto();
    }

    /** ListRooms: every room, or those named. */
    public List<Room> listRooms(Collection<String> names) {
        List<Room> out = new ArrayList<>();
        for (RoomRecord r : rooms.values()) {
            if (names.isEmpty() || names.contains(r.name())) {
                out.add(r.toProto());
            }
        }
        return out;
    }

    /** The room, or {@code null}. */
    public Room room(String name) {
        RoomRecord r = rooms.get(name);
        return r == null ? null : r.toProto();
    }

    /** DeleteRoom: closes the room; running jobs of its agents get {@code JobTermination}. */
    public void deleteRoom(String name) {
        RoomRecord r = rooms.remove(name);
        if (r == null) {
            throw new DevServerException(DevServerException.Code.NOT_FOUND, "requested room does not exist: '" + name + "'");
        }
        closeRoom(r, "room deleted", DisconnectReason.ROOM_DELETED);
    }

    /** ListParticipants: the room's participants (none for a room that does not exist). */
    public List<ParticipantInfo> listParticipants(String room) {
        RoomRecord r = rooms.get(room);
        return r == null ? List.of() : List.copyOf(r.participants.values());
    }

    /**
     * Closes a room the way LiveKit's server ends its agents: each agent participant is removed, which ends its job
     * as {@code JS_FAILED "agent worker left the room"} and sends {@code JobTermination}. The dev server does this
     * for every running job of the room (simulated ones too), whether or not its agent joined.
     */
    private void closeRoom(RoomRecord r, String why, DisconnectReason reason) {
        LOG.info("closing room '{}' ({})", r.name(), why);
        if (r.rtc != null) {
            r.rtc.close(reason);
            r.rtc = null;
        }
        r.participants.clear();
        for (DispatchRecord d : r.dispatches.values()) {
            d.endStatus = JobStatus.JS_FAILED;
            d.endError = AGENT_LEFT_ROOM;
        }
        for (JobRecord j : new ArrayList<>(runningJobs.values())) {
            if (j.roomName().equals(r.name())) {
                terminate(j, JobStatus.JS_FAILED, AGENT_LEFT_ROOM);
            }
        }
        orphanedJobs.values().removeIf(j -> j.roomName().equals(r.name()));
    }

    private void closeIdleRooms() {
        long nowMillis = System.currentTimeMillis();
        for (RoomRecord r : new ArrayList<>(rooms.values())) {
            boolean occupied = r.participants.values().stream().anyMatch(p -> !isDependent(p));
            if (occupied || nowMillis - r.lastAdmittedAtMillis < ADMISSION_GRACE_MILLIS) {
                continue;
            }
            long elapsed;
            long timeoutSeconds;
            String reason;
            if (r.firstJoinedAtMillis > 0 && r.lastLeftAtMillis > 0) {
                elapsed = nowMillis - r.lastLeftAtMillis;
                timeoutSeconds = r.room.getDepartureTimeout();
                reason = "departure timeout";
            } else {
                elapsed = nowMillis - r.room.getCreationTimeMs();
                timeoutSeconds = r.room.getEmptyTimeout();
                reason = "empty timeout";
            }
            if (elapsed >= timeoutSeconds * 1000) {
                rooms.remove(r.name());
                closeRoom(r, reason + " of " + timeoutSeconds + " s", DisconnectReason.ROOM_CLOSED);
            }
        }
    }

    /** GetParticipant: the participant with this identity in the room. */
    public ParticipantInfo participant(String room, String identity) {
        RoomRecord r = rooms.get(room);
        if (r != null) {
            for (ParticipantInfo p : r.participants.values()) {
                if (p.getIdentity().equals(identity)) {
                    return p;
                }
            }
        }
        throw new DevServerException(DevServerException.Code.NOT_FOUND,
                "participant '" + identity + "' is not in room '" + room + "'");
    }

    /** UpdateRoomMetadata: sets the metadata; the room's participants get a RoomUpdate. */
    public Room updateRoomMetadata(String name, String metadata) {
        RoomRecord r = rooms.get(name);
        if (r == null) {
            throw new DevServerException(DevServerException.Code.NOT_FOUND, "requested room does not exist: '" + name + "'");
        }
        r.room.setMetadata(metadata);
        Room room = r.toProto();
        if (r.rtc != null) {
            r.rtc.roomUpdated(room);
        }
        return room;
    }

    /**
     * The live part of a room, for the RoomService calls that act on participants.
     *
     * @throws DevServerException NOT_FOUND when the room does not exist or nobody joined it since the server started
     */
    public RtcRoom liveRoom(String name) {
        RoomRecord r = rooms.get(name);
        if (r == null) {
            throw new DevServerException(DevServerException.Code.NOT_FOUND, "requested room does not exist: '" + name + "'");
        }
        if (r.rtc == null) {
            throw new DevServerException(DevServerException.Code.NOT_FOUND, "no participant is in room '" + name + "'");
        }
        return r.rtc;
    }

    /** Agents and egress never keep a room open nor trigger participant jobs. */
    @SuppressWarnings("deprecation") // the agent/recorder permissions still mark dependent participants
    static boolean isDependent(ParticipantInfo p) {
        return p.getKind() == ParticipantInfo.Kind.AGENT || p.getKind() == ParticipantInfo.Kind.EGRESS
                || p.getPermission().getAgent() || p.getPermission().getRecorder();
    }

    // =====================================================================================================
    // Participants (the live rooms report them)
    // =====================================================================================================

    /**
     * Whether a join may go ahead, and where.
     *
     * @param room      the live room to join ({@code null} for a resume the server must decline, or a validation)
     * @param status    the HTTP status refusing the join (0 when admitted)
     * @param error     why it was refused
     */
    public record Admission(RtcRoom room, int status, String error) {
        /** Whether the join was refused. */
        public boolean refused() {
            return status != 0;
        }
    }

    /**
     * Admits a join (LiveKit's {@code StartSession}): creates the room when it does not exist (with the join
     * token's {@code roomConfig}, which only applies when this join creates the room), checks its participant
     * limit, and makes its live part.
     *
     * @param validateOnly answer as {@code /rtc/validate}: check, but create nothing
     */
    public Admission admitJoin(JoinGrant grant, boolean resume, boolean validateOnly) {
        RoomRecord r = rooms.get(grant.room());
        if (r == null) {
            if (resume) {
                return new Admission(null, 0, null);
            }
            if (!settings.autoCreateRooms()) {
                return new Admission(null, 404, "requested room does not exist: '" + grant.room()
                        + "' (room auto-creation is off; create it with RoomService.CreateRoom first)");
            }
            if (validateOnly) {
                return new Admission(null, 0, null);
            }
            createRoom(grant.roomConfig() != null ? grant.roomConfig()
                    : CreateRoomRequest.newBuilder().setName(grant.room()).build());
            r = rooms.get(grant.room());
        }
        int max = r.room.getMaxParticipants();
        if (!resume && max > 0) {
            long present = r.participants.values().stream()
                    .filter(p -> p.getKind() != ParticipantInfo.Kind.EGRESS && p.getKind() != ParticipantInfo.Kind.INGRESS
                            && !p.getIdentity().equals(grant.identity()))
                    .count();
            if (present >= max) {
                return new Admission(null, 403, "room '" + grant.room() + "' is full: it allows " + max
                        + " participant(s)");
            }
        }
        if (validateOnly || (resume && r.rtc == null)) {
            return new Admission(null, 0, null);
        }
        if (r.rtc == null) {
            r.rtc = new RtcRoom(r.toProto(), rtcSettings, media, roomEvents);
        }
        r.lastAdmittedAtMillis = System.currentTimeMillis();
        return new Admission(r.rtc, 0, null);
    }

    /** The room record of a live room, or {@code null} when that live room is no longer the room's. */
    private RoomRecord recordOf(RtcRoom live) {
        RoomRecord r = rooms.get(live.name());
        return r != null && r.rtc == live ? r : null;
    }

    private void onParticipantJoined(RtcRoom live, ParticipantInfo info) {
        RoomRecord r = recordOf(live);
        if (r == null) {
            return;
        }
        r.participants.put(info.getSid(), info);
        if (!isDependent(info)) {
            if (r.firstJoinedAtMillis == 0) {
                r.firstJoinedAtMillis = System.currentTimeMillis();
            }
            for (DispatchRecord d : List.copyOf(r.dispatches.values())) {
                launch(r, d, JobType.JT_PARTICIPANT, info);
            }
        }
        String room = r.name();
        emit(l -> l.onParticipantJoined(room, info));
    }

    private void onParticipantChanged(RtcRoom live, ParticipantInfo info) {
        RoomRecord r = recordOf(live);
        if (r == null || !r.participants.containsKey(info.getSid())) {
            return;
        }
        r.participants.put(info.getSid(), info);
        if (info.getIsPublisher() && !isDependent(info) && r.published.add(info.getIdentity())) {
            for (DispatchRecord d : List.copyOf(r.dispatches.values())) {
                launch(r, d, JobType.JT_PUBLISHER, info);
            }
        }
    }

    private void onParticipantLeft(RtcRoom live, ParticipantInfo info, DisconnectReason reason, boolean replaced) {
        RoomRecord r = recordOf(live);
        if (r == null || r.participants.remove(info.getSid()) == null) {
            return;
        }
        r.published.remove(info.getIdentity());
        if (!isDependent(info)) {
            r.lastLeftAtMillis = System.currentTimeMillis();
        }
        String room = r.name();
        emit(l -> l.onParticipantLeft(room, info, reason));
        if (replaced) {
            return;
        }
        // LiveKit's TerminateJob(AGENT_LEFT_ROOM): the job whose agent this was ends as failed, unless it ended
        for (JobRecord j : new ArrayList<>(runningJobs.values())) {
            if (j.roomName().equals(room) && j.job.getState().getParticipantIdentity().equals(info.getIdentity())) {
                LOG.info("the agent '{}' of job {} left room '{}' ({})", info.getIdentity(), j.id(), room, reason);
                terminate(j, JobStatus.JS_FAILED, AGENT_LEFT_ROOM);
            }
        }
    }

    /** After DeleteDispatch: an agent still in the room 3 s later is removed, as LiveKit's server does. */
    private void removeLingeringAgent(String room, String identity) {
        RoomRecord r = rooms.get(room);
        if (r == null || r.rtc == null
                || r.participants.values().stream().noneMatch(p -> p.getIdentity().equals(identity))) {
            return;
        }
        LOG.info("agent '{}' did not leave room '{}' within {} s of its dispatch being deleted; removing it",
                identity, room, AGENT_LEAVE_GRACE.toSeconds());
        r.rtc.removeParticipant(identity, DisconnectReason.PARTICIPANT_REMOVED);
    }

    /**
     * Detaches every live room (the server is stopping): their participants are forgotten, as a restarted server
     * forgets them, and the caller closes the returned rooms.
     */
    public List<RtcRoom> detachLiveRooms() {
        List<RtcRoom> out = new ArrayList<>();
        for (RoomRecord r : rooms.values()) {
            if (r.rtc != null) {
                out.add(r.rtc);
                r.rtc = null;
            }
            r.participants.clear();
            r.published.clear();
        }
        return out;
    }

    // =====================================================================================================
    // Dispatches (AgentDispatchService and in-process)
    // =====================================================================================================

    /** CreateDispatch: adds a dispatch to the room (creating the room if allowed) and launches its jobs. */
    public AgentDispatch createDispatch(CreateAgentDispatchRequest req) {
        String bad = roomNameError(req.getRoom());
        if (bad != null) {
            throw new DevServerException(DevServerException.Code.INVALID_ARGUMENT, bad);
        }
        String deployment = NewerFields.string(req, NewerFields.CREATE_DISPATCH_DEPLOYMENT);
        String err = deploymentError(deployment);
        if (err != null) {
            throw new DevServerException(DevServerException.Code.INVALID_ARGUMENT, "invalid deployment: " + err);
        }
        Map<String, String> attributes;
        try {
            attributes = NewerFields.stringMap(req, NewerFields.CREATE_DISPATCH_ATTRIBUTES);
        } catch (InvalidProtocolBufferException e) {
            throw new DevServerException(DevServerException.Code.INVALID_ARGUMENT, "malformed attributes: " + e.getMessage());
        }
        RoomRecord room = rooms.get(req.getRoom());
        if (room == null) {
            if (!settings.autoCreateRooms()) {
                throw new DevServerException(DevServerException.Code.NOT_FOUND,
                        "requested room does not exist: '" + req.getRoom() + "' (room auto-creation is off)");
            }
            createRoom(CreateRoomRequest.newBuilder().setName(req.getRoom()).build());
            room = rooms.get(req.getRoom());
        }
        DispatchRecord d = new DispatchRecord(Ids.next(Ids.DISPATCH), req.getAgentName(), req.getRoom(),
                req.getMetadata(), req.getRestartPolicy(), deployment, attributes, nowNanos());
        room.dispatches.put(d.id, d);
        AgentDispatch created = d.toProto();
        LOG.info("dispatch created: {} agentName='{}' room='{}'", d.id, d.agentName, d.room);
        launch(room, d, JobType.JT_ROOM, null);
        for (ParticipantInfo p : room.participants.values()) {
            if (isDependent(p)) {
                continue;
            }
            if (p.getIsPublisher()) {
                launch(room, d, JobType.JT_PUBLISHER, p);
            }
            launch(room, d, JobType.JT_PARTICIPANT, p);
        }
        return created;
    }

    /** DeleteDispatch: removes the dispatch; its running jobs get {@code JobTermination} and end as SUCCESS. */
    public AgentDispatch deleteDispatch(String roomName, String dispatchId) {
        RoomRecord room = rooms.get(roomName);
        if (room == null) {
            throw new DevServerException(DevServerException.Code.NOT_FOUND, "requested room does not exist: '" + roomName + "'");
        }
        DispatchRecord d = room.dispatches.remove(dispatchId);
        if (d == null) {
            throw new DevServerException(DevServerException.Code.NOT_FOUND,
                    "dispatch ID not found: '" + dispatchId + "' in room '" + roomName + "'");
        }
        d.deletedAtNanos = nowNanos();
        d.endStatus = JobStatus.JS_SUCCESS;
        d.endError = "";
        LOG.info("dispatch deleted: {} (room '{}')", dispatchId, roomName);
        for (JobRecord j : new ArrayList<>(d.jobs)) {
            terminate(j, JobStatus.JS_SUCCESS, "");
            String identity = j.job.getState().getParticipantIdentity();
            if (!identity.isEmpty()) {
                schedule(AGENT_LEAVE_GRACE, () -> removeLingeringAgent(roomName, identity));
            }
        }
        return d.toProto();
    }

    /** ListDispatch: the room's dispatches (or the one with {@code dispatchId}) with their jobs' live states. */
    public List<AgentDispatch> listDispatches(String roomName, String dispatchId) {
        RoomRecord room = rooms.get(roomName);
        if (room == null) {
            throw new DevServerException(DevServerException.Code.NOT_FOUND, "requested room does not exist: '" + roomName + "'");
        }
        List<AgentDispatch> out = new ArrayList<>();
        for (DispatchRecord d : room.dispatches.values()) {
            if (dispatchId == null || dispatchId.isEmpty() || d.id.equals(dispatchId)) {
                out.add(d.toProto());
            }
        }
        return out;
    }

    /** The registered workers. */
    public List<WorkerInfo> workers() {
        List<WorkerInfo> out = new ArrayList<>();
        for (WorkerSession w : workers.values()) {
            out.add(w.snapshot());
        }
        return out;
    }

    // =====================================================================================================
    // Validation
    // =====================================================================================================

    /** LiveKit's {@code ValidateDeployment}; {@code null} when valid. */
    static String deploymentError(String deployment) {
        byte[] b = deployment.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_DEPLOYMENT_BYTES) {
            return "deployment exceeds " + MAX_DEPLOYMENT_BYTES + " bytes";
        }
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            if (c == '_') {
                return "deployment contains reserved character '_'";
            }
            if (c <= ' ' || c == 0x7f) {
                return "deployment contains whitespace or control byte at position " + i;
            }
        }
        return null;
    }

    private static String roomNameError(String name) {
        if (name == null || name.isEmpty()) {
            return "room name is required";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_ROOM_NAME_BYTES) {
            return "room name exceeds " + MAX_ROOM_NAME_BYTES + " bytes";
        }
        return null;
    }
}
