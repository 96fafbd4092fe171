package io.livekit.agents.internal.worker;

import io.livekit.agents.internal.TestThreads;
import io.livekit.agents.AgentException;
import io.livekit.agents.JobContext;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobStatus;
import io.livekit.agents.MdcKeys;
import io.livekit.agents.RoomHandler;
import io.livekit.agents.RoomInfo;
import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.LocalParticipant;
import io.livekit.agents.room.Participant;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomConnector;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a job owns its room, against a scripted room (the real one needs WebRTC and a server; the integration tests in
 * agent-devserver cover that): connect once with the job's URL, token and logging context; the room's end ends the
 * job (left: SUCCESS, lost: FAILED); the room is left after the shutdown callbacks; typed handlers get their events.
 */
class JobRoomTest {

    private static final JobInfo JOB = JobInfo.builder().id("AJ_room").room(RoomInfo.of("RM_1", "lobby", "")).build();
    private static final Map<String, String> MDC_MAP = Map.of(MdcKeys.JOB_ID, "AJ_room", MdcKeys.ROOM, "lobby");

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor();
    private final AtomicInteger connects = new AtomicInteger();
    private volatile ScriptedRoom room;
    private volatile RuntimeException connectFailure;

    @AfterEach
    void stop() {
        events.shutdownNow();
    }

    /** A room that records calls and delivers events on its own thread, like the real one. */
    private final class ScriptedRoom implements Room {
        final List<RoomListener> listeners = new CopyOnWriteArrayList<>();
        final Map<String, RemoteParticipant> participants = new ConcurrentHashMap<>();
        volatile ConnectionState state = ConnectionState.CONNECTED;

        ScriptedRoom(RoomOptions options) {
            listeners.addAll(options.listeners());
        }

        void emit(java.util.function.Consumer<RoomListener> event) {
            events.execute(() -> listeners.forEach(event));
        }

        void join(String identity) {
            RemoteParticipant p = participant(identity);
            participants.put(identity, p);
            emit(l -> l.onParticipantConnected(this, p));
        }

        void end(DisconnectReason reason) {
            state = ConnectionState.DISCONNECTED;
            emit(l -> l.onDisconnected(this, reason));
        }

        @Override
        public String name() {
            return "lobby";
        }

        @Override
        public String sid() {
            return "RM_1";
        }

        @Override
        public String metadata() {
            return "";
        }

        @Override
        public String serverVersion() {
            return "1.9.0";
        }

        @Override
        public ConnectionState connectionState() {
            return state;
        }

        @Override
        public boolean awaitState(ConnectionState s, Duration timeout) {
            return state == s;
        }

        @Override
        public LocalParticipant localParticipant() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, RemoteParticipant> remoteParticipants() {
            return Map.copyOf(participants);
        }

        @Override
        public Optional<RemoteParticipant> remoteParticipant(String identity) {
            return Optional.ofNullable(participants.get(identity));
        }

        @Override
        public List<Participant> activeSpeakers() {
            return List.of();
        }

        @Override
        public void addListener(RoomListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(RoomListener listener) {
            listeners.remove(listener);
        }

        @Override
        public void disconnect() {
            log.add("disconnect");
            if (state != ConnectionState.DISCONNECTED) {
                end(DisconnectReason.CLIENT_INITIATED);
            }
        }

        @Override
        public void disconnectAsync() {
            log.add("disconnectAsync");
            disconnect();
        }
    }

    private static RemoteParticipant participant(String identity) {
        return (RemoteParticipant) Proxy.newProxyInstance(RemoteParticipant.class.getClassLoader(),
                new Class<?>[]{RemoteParticipant.class}, (p, m, a) -> {
                    if (m.getName().equals("identity")) {
                        return identity;
                    }
                    if (m.getName().equals("toString")) {
                        return identity;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private final RoomConnector connector = (url, token, options) -> {
        connects.incrementAndGet();
        log.add("connect " + url + " " + token + " mdc=" + MDC.get(MdcKeys.JOB_ID));
        if (connectFailure != null) {
            throw connectFailure;
        }
        ScriptedRoom r = new ScriptedRoom(options);
        room = r;
        r.join("alice");   // present at the join: reported before connect() returns, as the real room does
        return r;
    };

    private JobContextImpl context(JobHandler handler) {
        return new JobContextImpl(JOB, "AW_1", "ws://h:7880", "job-token", "agent-AJ_room", MDC_MAP,
                (c, reason) -> log.add("cancelled: " + reason), handler, connector);
    }

    private static final class Outcome {
        final CompletableFuture<String> done = new CompletableFuture<>();
        Thread thread;
    }

    private Outcome start(JobHandler handler, JobContextImpl ctx) {
        Outcome o = new Outcome();
        o.thread = new Thread(() -> JobRunner.run(handler, ctx,
                (c, status, error) -> o.done.complete(status + (error.isEmpty() ? "" : " " + error))), "job");
        o.thread.start();
        return o;
    }

    /** The reported outcome, once the job's thread is done (it leaves the room after reporting). */
    private static String result(Outcome o) throws Exception {
        String r = o.done.get(10, TimeUnit.SECONDS);
        o.thread.join(10_000);
        assertThat(o.thread.isAlive()).isFalse();
        return r;
    }

    @Test
    void autoConnectedRoomIsLeftAfterTheShutdownCallbacks() throws Exception {
        JobHandler handler = new JobHandler() {
            @Override
            public void onJob(JobContext ctx) {
                assertThat(ctx.room()).containsSame(room);
                assertThat(ctx.connectRoom()).as("idempotent").isSameAs(room);
                assertThat(ctx.connectRoom(RoomOptions.defaults())).isSameAs(room);
                ctx.addShutdownCallback(reason -> log.add("callback " + reason));
            }

            @Override
            public boolean autoConnect() {
                return true;
            }
        };
        assertThat(result(start(handler, context(handler)))).isEqualTo("SUCCESS");
        assertThat(connects).hasValue(1);
        assertThat(log).containsExactly("connect ws://h:7880 job-token mdc=AJ_room", "callback completed",
                "disconnect");
    }

    @Test
    void aPlainHandlerConnectsOnlyWhenItAsks() throws Exception {
        JobHandler lazy = ctx -> log.add("room before: " + ctx.room().isPresent());
        assertThat(result(start(lazy, context(lazy)))).isEqualTo("SUCCESS");
        assertThat(log).containsExactly("room before: false");
        assertThat(connects).hasValue(0);
    }

    @Test
    void leavingTheRoomEndsTheJobWithSuccess() throws Exception {
        JobHandler handler = ctx -> {
            Room r = ctx.connectRoom();
            r.disconnect();
            ctx.awaitCancellation();
        };
        JobContextImpl ctx = context(handler);
        assertThat(result(start(handler, ctx))).isEqualTo("SUCCESS");
        assertThat(ctx.cancelReason()).hasValueSatisfying(r -> assertThat(r).contains("left").contains("CLIENT_INITIATED"));
        assertThatThrownBy(ctx::connectRoom).isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.DISCONNECTED));
    }

    @Test
    void aDeletedRoomIsACleanEndAndALostRoomAFailure() throws Exception {
        for (DisconnectReason reason : DisconnectReason.values()) {
            boolean clean = JobRoom.isCleanEnd(reason);
            assertThat(clean).as(reason.name()).isEqualTo(reason == DisconnectReason.CLIENT_INITIATED
                    || reason == DisconnectReason.ROOM_DELETED || reason == DisconnectReason.ROOM_CLOSED
                    || reason == DisconnectReason.PARTICIPANT_REMOVED);
        }
        RoomHandler handler = (ctx, r) -> {
            log.add("in room " + r.name());
            ctx.awaitCancellation();
        };
        JobContextImpl ctx = context(handler);
        Outcome o = start(handler, ctx);
        awaitLog("in room lobby");
        room.end(DisconnectReason.SIGNAL_CLOSE);
        assertThat(result(o)).isEqualTo("FAILED CONNECTION_FAILED (retryable): the room 'lobby' was lost (SIGNAL_CLOSE)");
        assertThat(log).doesNotContain("disconnect");   // nothing left to leave

        log.clear();
        JobContextImpl ctx2 = context(handler);
        Outcome o2 = start(handler, ctx2);
        awaitLog("in room lobby");
        room.end(DisconnectReason.ROOM_DELETED);
        assertThat(result(o2)).isEqualTo("SUCCESS");
    }

    @Test
    void aLostRoomFailsTheJobEvenWhenTheHandlerTripsOverTheClosedRoom() throws Exception {
        JobHandler handler = new JobHandler() {
            @Override
            public void onJob(JobContext ctx) throws Exception {
                ctx.awaitCancellation(Duration.ofSeconds(10));
                throw new AgentException(AgentException.Code.DISCONNECTED, "the room is disconnected");
            }

            @Override
            public boolean autoConnect() {
                return true;
            }
        };
        Outcome o = start(handler, context(handler));
        awaitLog("connect ws://h:7880 job-token mdc=AJ_room");
        awaitRoom().end(DisconnectReason.DUPLICATE_IDENTITY);
        assertThat(result(o)).startsWith("FAILED CONNECTION_FAILED").contains("DUPLICATE_IDENTITY");
    }

    @Test
    void cancellationLeavesTheRoomOnceTheHandlerReturned() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        RoomHandler handler = (ctx, r) -> {
            ctx.addShutdownCallback(reason -> log.add("callback " + reason + ", room " + r.connectionState()));
            inside.countDown();
            Thread.sleep(60_000);
        };
        JobContextImpl ctx = context(handler);
        Outcome o = start(handler, ctx);
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        ctx.cancel("terminated by the server", JobContextImpl.CancelCause.SERVER);
        assertThat(result(o)).isEqualTo("SUCCESS");
        assertThat(log).containsSubsequence("callback terminated by the server, room CONNECTED", "disconnect")
                .contains("cancelled: terminated by the server");
        assertThat(room.state).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void theRoomIsLeftOnlyOnceTheFinalStatusWasWritten() throws Exception {
        RoomHandler handler = (ctx, r) -> log.add("handler");
        JobContextImpl ctx = context(handler);
        ctx.expectStatusReport();
        Thread job = new Thread(() -> JobRunner.run(handler, ctx, (c, status, error) -> {
            log.add("ended " + status);
            new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                log.add("status written");
                c.statusReported();
            }).start();
        }), "job");
        job.start();
        job.join(10_000);
        assertThat(job.isAlive()).isFalse();
        assertThat(log).containsSubsequence("handler", "ended SUCCESS", "status written", "disconnect");
    }

    @Test
    void anAbandonedJobsRoomIsLeftWithoutBlocking() {
        JobContextImpl ctx = context(ctx1 -> { });
        ctx.connectRoom();
        ctx.jobRoom().close(true);
        assertThat(log).contains("disconnectAsync");
        assertThat(room.state).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void aRoomThatCannotConnectFailsTheJobWithoutRunningTheHandler() throws Exception {
        connectFailure = new AgentException(AgentException.Code.UNAUTHENTICATED, "the server refused the token");
        RoomHandler handler = (ctx, r) -> log.add("handler ran");
        assertThat(result(start(handler, context(handler))))
                .isEqualTo("FAILED UNAUTHENTICATED (fatal): the server refused the token");
        assertThat(log).doesNotContain("handler ran");
    }

    @Test
    void aCancelledJobDoesNotConnect() {
        JobContextImpl ctx = context(c -> { });
        ctx.cancel("stopped", JobContextImpl.CancelCause.WORKER);
        assertThatThrownBy(ctx::connectRoom).isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.CANCELLED));
        assertThat(connects).hasValue(0);
    }

    @Test
    void typedHandlersGetTheirRoomEventsWithTheirContext() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        RoomHandler handler = new RoomHandler() {
            @Override
            public void onRoomJob(JobContext ctx, Room r) throws Exception {
                seen.add("job");
                ctx.awaitCancellation();
            }

            @Override
            public void onParticipantJoined(JobContext ctx, RemoteParticipant p) {
                seen.add("joined " + p.identity() + " room=" + ctx.room().map(Room::name).orElse("-") + " thread="
                        + Thread.currentThread().getName().equals("job"));
            }

            @Override
            public void onParticipantLeft(JobContext ctx, RemoteParticipant p) {
                seen.add("left " + p.identity());
            }

            @Override
            public void onTrackPublished(JobContext ctx, RemoteTrackPublication pub, RemoteParticipant p) {
                seen.add("published by " + p.identity());
            }
        };
        JobContextImpl ctx = context(handler);
        Outcome o = start(handler, ctx);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!seen.contains("job") && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        ScriptedRoom r = awaitRoom();
        r.join("bob");
        r.emit(l -> l.onTrackPublished(r, null, participant("bob")));
        r.emit(l -> l.onParticipantDisconnected(r, participant("bob")));
        r.emit(l -> l.onParticipantDisconnected(r, participant("alice")));
        RemoteParticipant bob = ctx.waitForParticipant("bob", Duration.ofSeconds(5));
        assertThat(bob.identity()).isEqualTo("bob");
        while (!seen.contains("left alice") && System.nanoTime() < end) {
            Thread.sleep(5);   // events are delivered on the room's event thread
        }
        ctx.shutdown("done");
        assertThat(result(o)).isEqualTo("SUCCESS");
        assertThat(seen.subList(0, 2)).containsExactlyInAnyOrder("joined alice room=lobby thread=false", "job");
        assertThat(seen.subList(2, seen.size())).containsExactly("joined bob room=lobby thread=false",
                "published by bob", "left bob", "left alice");
    }

    @Test
    void waitingForAParticipant() throws Exception {
        JobContextImpl ctx = context(c -> { });
        assertThat(ctx.waitForParticipant("alice", Duration.ZERO).identity()).as("already there").isEqualTo("alice");
        CompletableFuture<RemoteParticipant> carol = waitAsync(ctx, "carol");
        Thread.sleep(50);
        room.join("carol");
        assertThat(carol.get(10, TimeUnit.SECONDS).identity()).isEqualTo("carol");
        assertThatThrownBy(() -> ctx.waitForParticipant("dave", Duration.ofMillis(50)))
                .isInstanceOf(AgentException.class).hasMessageContaining("dave")
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.TIMEOUT));
        CompletableFuture<RemoteParticipant> erin = waitAsync(ctx, "erin");
        Thread.sleep(50);
        ctx.cancel("stopped", JobContextImpl.CancelCause.SERVER);
        assertThatThrownBy(() -> erin.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AgentException.class)
                .hasMessageContaining("cancelled");
    }

    private static CompletableFuture<RemoteParticipant> waitAsync(JobContextImpl ctx, String identity) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ctx.waitForParticipant(identity, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, TestThreads.PER_TASK);
    }

    private void awaitLog(String entry) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log.contains(entry) && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(log).contains(entry);
    }

    private ScriptedRoom awaitRoom() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (room == null && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(room).isNotNull();
        return room;
    }
}
