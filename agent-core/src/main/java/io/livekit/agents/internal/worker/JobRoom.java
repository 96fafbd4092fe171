package io.livekit.agents.internal.worker;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobHandler;
import io.livekit.agents.RoomJobListener;
import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomConnector;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The room of one job: connects it once with the job's URL and token, ties its end to the job (left → the job is
 * cancelled and ends with SUCCESS; lost → cancelled and FAILED), forwards the typed handlers' room events, and
 * disconnects it when the job ends. Thread-safe.
 */
final class JobRoom {

    private static final Logger log = LoggerFactory.getLogger(JobRoom.class);

    private final JobContextImpl ctx;
    private final JobHandler handler;
    private final RoomConnector connector;
    private final Object connectLock = new Object();
    /** Guards setting {@link #room} from the room's first events against a failed join. */
    private final Object adoptLock = new Object();
    /** The job's room as {@code ctx.room()} shows it: set by the first event of the join, or when the join returned. */
    private volatile Room room;
    /** The room once {@link #connect} returned it. */
    private volatile Room joined;
    /** Set once the job is ending: the room's end is the job's doing and no longer cancels it. */
    private volatile boolean ending;

    JobRoom(JobContextImpl ctx, JobHandler handler, RoomConnector connector) {
        this.ctx = ctx;
        this.handler = handler;
        this.connector = connector;
    }

    /** The options of {@link io.livekit.agents.JobContext#connectRoom()}: the handler's, or the defaults. */
    RoomOptions defaultOptions() {
        RoomOptions o = handler == null ? null : handler.roomOptions();
        return o == null ? RoomOptions.defaults() : o;
    }

    Optional<Room> room() {
        return Optional.ofNullable(room);
    }

    Room connect(RoomOptions options) {
        Objects.requireNonNull(options, "options");
        Room r = joined;
        if (r != null) {
            return checkOpen(r);
        }
        synchronized (connectLock) {
            r = joined;
            if (r != null) {
                return checkOpen(r);
            }
            throwIfEndingOrCancelled();
            JobListener listener = new JobListener();
            RoomOptions withJob = options.toBuilder().addListener(listener).build();
            Map<String, String> previous = MDC.getCopyOfContextMap();
            MDC.setContextMap(ctx.loggingContext());   // the room's threads copy the connecting thread's MDC
            try {
                log.info("joining room '{}' at {} as '{}'", ctx.job().room().name(), ctx.url(),
                        ctx.participantIdentity());
                r = connector.connect(ctx.url(), ctx.token(), withJob);
            } catch (RuntimeException | Error e) {
                synchronized (adoptLock) {
                    listener.failed = true;
                    room = null;
                }
                throw e;
            } finally {
                JobRunner.restoreMdc(previous);
            }
            if (ending || ctx.isCancelled()) {
                r.disconnect();
                throwIfEndingOrCancelled();
            }
            room = r;
            joined = r;
            log.info("joined room '{}' (server {})", r.name(), r.serverVersion());
            return r;
        }
    }

    private Room checkOpen(Room r) {
        if (r.connectionState() == ConnectionState.DISCONNECTED) {
            throw new AgentException(AgentException.Code.DISCONNECTED, "the room of job " + ctx.job().id()
                    + " was connected and has been left; a job joins its room once");
        }
        return r;
    }

    private void throwIfEndingOrCancelled() {
        if (ctx.isCancelled() || ending) {
            throw new AgentException(AgentException.Code.CANCELLED, "job " + ctx.job().id()
                    + " was cancelled before its room connected: " + ctx.cancelReason().orElse("the job ended"));
        }
    }

    RemoteParticipant waitForParticipant(String identity, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(timeout, "timeout");
        Room r = connect(defaultOptions());
        Optional<RemoteParticipant> present = r.remoteParticipant(identity);
        if (present.isPresent()) {
            return present.get();
        }
        CompletableFuture<RemoteParticipant> arrived = new CompletableFuture<>();
        RoomListener watch = new RoomListener() {
            @Override
            public void onParticipantConnected(Room room, RemoteParticipant participant) {
                if (participant.identity().equals(identity)) {
                    arrived.complete(participant);
                }
            }

            @Override
            public void onDisconnected(Room room, DisconnectReason reason) {
                arrived.completeExceptionally(new AgentException(AgentException.Code.DISCONNECTED, "the room '"
                        + room.name() + "' disconnected (" + reason + ") while waiting for participant '" + identity
                        + "'"));
            }
        };
        r.addListener(watch);
        ctx.cancellation().thenAccept(reason -> arrived.completeExceptionally(new AgentException(
                AgentException.Code.CANCELLED, "job " + ctx.job().id() + " was cancelled (" + reason
                + ") while waiting for participant '" + identity + "'")));
        try {
            present = r.remoteParticipant(identity);   // it may have joined before the listener was added
            if (present.isPresent()) {
                return present.get();
            }
            if (r.connectionState() == ConnectionState.DISCONNECTED) {
                throw new AgentException(AgentException.Code.DISCONNECTED, "the room '" + r.name()
                        + "' is disconnected; participant '" + identity + "' cannot join it");
            }
            return arrived.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AgentException(AgentException.Code.TIMEOUT, "participant '" + identity + "' was not in room '"
                    + r.name() + "' within " + timeout.toMillis() + " ms (it may have left before the agent joined)");
        } catch (ExecutionException e) {
            throw (AgentException) e.getCause();
        } finally {
            r.removeListener(watch);
        }
    }

    /** The job is ending: from now on the room's end does not cancel the job. */
    void beginEnd() {
        ending = true;
    }

    /**
     * Leaves the room if it is connected. Blocking ({@code async == false}: on the job's thread, at most a few
     * seconds) or not (from the worker's thread when the job is abandoned).
     */
    void close(boolean async) {
        ending = true;
        Room r = room;
        if (r == null || r.connectionState() == ConnectionState.DISCONNECTED) {
            return;
        }
        Map<String, String> previous = MDC.getCopyOfContextMap();
        MDC.setContextMap(ctx.loggingContext());
        try {
            log.info("leaving room '{}': job {} ended", r.name(), ctx.job().id());
            if (async) {
                r.disconnectAsync();
            } else {
                r.disconnect();
            }
        } catch (RuntimeException e) {
            log.warn("leaving room '{}' failed: {}", r.name(), e.toString());
        } finally {
            JobRunner.restoreMdc(previous);
        }
    }

    /** Whether a disconnect reason is a deliberate end of the room (SUCCESS), not a loss (FAILED). */
    static boolean isCleanEnd(DisconnectReason reason) {
        switch (reason) {
            case CLIENT_INITIATED:
            case ROOM_DELETED:
            case ROOM_CLOSED:
            case PARTICIPANT_REMOVED:
                return true;
            default:
                return false;
        }
    }

    /** The job's own listener on its room: the room's end ends the job; events go to a typed handler. */
    private final class JobListener implements RoomListener {
        /** The join this listener belongs to failed; its room is not the job's. */
        boolean failed;

        /**
         * Events arrive before {@link Room#connect} returns (participants already present): make the room the job's
         * room first, so that {@code ctx.room()} is there in the typed callbacks.
         */
        private void adopt(Room r) {
            if (room == null) {
                synchronized (adoptLock) {
                    if (room == null && !failed) {
                        room = r;
                    }
                }
            }
        }

        private RoomJobListener typed(Room r) {
            adopt(r);
            return handler instanceof RoomJobListener ? (RoomJobListener) handler : null;
        }

        @Override
        public void onDisconnected(Room r, DisconnectReason reason) {
            if (ending) {
                return;
            }
            if (isCleanEnd(reason)) {
                ctx.cancel("the room '" + r.name() + "' was left (" + reason + ")", JobContextImpl.CancelCause.ROOM_LEFT);
            } else {
                ctx.cancel("the room '" + r.name() + "' was lost (" + reason + ")", JobContextImpl.CancelCause.ROOM_LOST);
            }
        }

        @Override
        public void onParticipantConnected(Room r, RemoteParticipant participant) {
            RoomJobListener l = typed(r);
            if (l != null) {
                l.onParticipantJoined(ctx, participant);
            }
        }

        @Override
        public void onParticipantDisconnected(Room r, RemoteParticipant participant) {
            RoomJobListener l = typed(r);
            if (l != null) {
                l.onParticipantLeft(ctx, participant);
            }
        }

        @Override
        public void onTrackPublished(Room r, RemoteTrackPublication publication, RemoteParticipant participant) {
            RoomJobListener l = typed(r);
            if (l != null) {
                l.onTrackPublished(ctx, publication, participant);
            }
        }

        @Override
        public void onTrackSubscribed(Room r, RemoteTrack track, RemoteTrackPublication publication,
                                      RemoteParticipant participant) {
            RoomJobListener l = typed(r);
            if (l != null) {
                l.onTrackSubscribed(ctx, track, publication, participant);
            }
        }
    }
}
