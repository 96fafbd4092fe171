package io.livekit.agents.it.agent;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobType;
import io.livekit.agents.ParticipantHandler;
import io.livekit.agents.PublishedTracks;
import io.livekit.agents.PublisherHandler;
import io.livekit.agents.RoomHandler;
import io.livekit.agents.devserver.DevServerTestHooks;
import io.livekit.agents.it.room.Media;
import io.livekit.agents.it.room.RoomRecorder;
import io.livekit.agents.it.support.It;
import io.livekit.agents.room.AudioSource;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteVideoTrack;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import io.livekit.agents.room.VideoSource;
import io.livekit.agents.room.VideoSourceOptions;
import livekit.LivekitAgent;
import livekit.LivekitAgentDispatch;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers whose jobs join their rooms on the dev server, with real peer connections (inside the test run's network
 * namespace): room, participant and publisher jobs get a connected room and their callbacks; a publisher job's
 * prepared audio and video reach a subscriber; the room's end ends the job (left: SUCCESS, lost: FAILED); the job's
 * end leaves the room, after its status was reported.
 */
class AgentRoomJobsTest extends AgentJobTestBase {

    /** A room job that hands out its context and stays until cancelled, with the given room options. */
    private static final class Staying implements RoomHandler {
        private final BlockingQueue<JobContext> running;
        private final RoomOptions options;

        Staying(BlockingQueue<JobContext> running, RoomOptions options) {
            this.running = running;
            this.options = options;
        }

        @Override
        public void onRoomJob(JobContext ctx, Room room) throws Exception {
            running.add(ctx);
            ctx.awaitCancellation();
        }

        @Override
        public RoomOptions roomOptions() {
            return options;
        }
    }

    private String awaitEnd() throws InterruptedException {
        String e = ended.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(e).as("a job ended").isNotNull();
        return e;
    }

    private <T> T poll(BlockingQueue<T> q) throws InterruptedException {
        T v = q.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(v).isNotNull();
        return v;
    }

    @Test
    void aRoomJobJoinsItsRoomAndSeesParticipantsComeAndGo() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        BlockingQueue<JobContext> running = new ArrayBlockingQueue<>(1);
        startWorker(new RoomHandler() {
            @Override
            public void onRoomJob(JobContext ctx, Room room) throws Exception {
                seen.add("job in " + room.name() + " as " + room.localParticipant().identity());
                running.add(ctx);
                ctx.awaitCancellation();
            }

            @Override
            public void onParticipantJoined(JobContext ctx, RemoteParticipant p) {
                seen.add("joined " + p.identity() + " room=" + ctx.room().map(Room::name).orElse("-")
                        + " thread=" + Thread.currentThread().getName().startsWith("lk-room-events"));
            }

            @Override
            public void onParticipantLeft(JobContext ctx, RemoteParticipant p) {
                seen.add("left " + p.identity());
            }
        }, JobType.ROOM, "greeter");
        String dispatchId = server.createDispatch(roomName, "greeter", "");
        JobContext ctx = poll(running);
        String agent = ctx.participantIdentity();
        assertThat(seen).containsExactly("job in " + roomName + " as " + agent);
        assertThat(ctx.room()).isPresent();

        RoomRecorder user = new RoomRecorder();
        Room userRoom = join("user", user);
        user.await("joined:" + agent);
        await("the agent saw the user join", () -> seen.stream().anyMatch(e -> e.startsWith("joined user")));
        assertThat(seen).as("the callback runs on the room's event thread, with the job's room")
                .contains("joined user room=" + roomName + " thread=true");
        userRoom.disconnect();
        await("the agent saw the user leave", () -> seen.contains("left user"));

        LivekitAgentDispatch.AgentDispatch gone = server.deleteDispatch(roomName, dispatchId);   // JobTermination
        assertThat(gone.getState().getJobsList()).singleElement()
                .satisfies(j -> assertThat(j.getState().getStatus()).isEqualTo(LivekitAgent.JobStatus.JS_SUCCESS));
        assertThat(awaitEnd()).isEqualTo(ctx.job().id() + " SUCCESS");
        await("the agent left the room", () -> server.listParticipants(roomName).stream()
                .noneMatch(p -> p.getIdentity().equals(agent)));
    }

    @Test
    void aParticipantJobGetsItsParticipantInTheConnectedRoom() throws Exception {
        BlockingQueue<String> got = new ArrayBlockingQueue<>(4);
        startWorker((ParticipantHandler) (ctx, room, participant) -> {
            got.add(room.name() + " " + participant.identity() + " present="
                    + room.remoteParticipant(participant.identity()).isPresent() + " job-participant="
                    + ctx.job().participant().map(p -> p.identity()).orElse("-"));
            ctx.awaitCancellation();
        }, JobType.PARTICIPANT, "");
        RoomRecorder user = new RoomRecorder();
        join("alice", user);
        assertThat(poll(got)).isEqualTo(roomName + " alice present=true job-participant=alice");
        user.await("joined:" + "agent-" + worker.activeJobs().iterator().next().id());
    }

    @Test
    void aPublisherJobsPreparedAudioAndVideoReachASubscriber() throws Exception {
        int width = 320;
        int height = 240;
        BlockingQueue<String> publishers = new ArrayBlockingQueue<>(4);
        startWorker(new PublisherHandler() {
            @Override
            public Optional<AudioSourceOptions> prepareAudioTrack(JobContext ctx) {
                return Optional.of(AudioSourceOptions.of(48_000, 1));
            }

            @Override
            public Optional<VideoSourceOptions> prepareVideoTrack(JobContext ctx) {
                return Optional.of(VideoSourceOptions.of(width, height));
            }

            @Override
            public void onPublisherJob(JobContext ctx, Room room, RemoteParticipant publisher, PublishedTracks tracks)
                    throws Exception {
                publishers.add(publisher.identity());
                AudioSource audio = tracks.audioSource().orElseThrow();
                VideoSource video = tracks.videoSource().orElseThrow();
                ByteBuffer rgba = ByteBuffer.allocateDirect(width * height * 4);
                for (int i = 0; i < width * height; i++) {
                    rgba.put((byte) Media.RED).put((byte) Media.GREEN).put((byte) Media.BLUE).put((byte) 255);
                }
                rgba.flip();
                // an avatar's loop: 1600 samples (33.3 ms) of a 440 Hz tone, then the frame that goes with them
                short[] chunk = new short[1600];
                long n = 0;
                for (long k = 0; !ctx.isCancelled(); k++) {
                    for (int i = 0; i < chunk.length; i++, n++) {
                        chunk[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * n / 48_000.0));
                    }
                    audio.write(chunk, 0, chunk.length);
                    video.capture(rgba, PixelFormat.RGBA, width * 4, k * chunk.length * 1_000_000L / 48_000);
                }
            }
        }, JobType.PUBLISHER, "");
        RoomRecorder user = new RoomRecorder();
        Room userRoom = join("speaker", user);
        media.publishTone(userRoom);   // the first publication launches the publisher job
        assertThat(poll(publishers)).isEqualTo("speaker");
        String agent = "agent-" + worker.activeJobs().iterator().next().id();
        user.await("published:" + agent + ":AUDIO");

        RemoteAudioTrack audio = user.awaitTrack(RemoteAudioTrack.class);
        double[] tone = Media.measureTone(audio.openStream(48_000, 1));
        assertThat(tone[0]).as("RMS of the agent's tone").isGreaterThan(2000);
        assertThat(tone[1]).as("pitch of the agent's tone").isBetween(430.0, 450.0);

        RemoteVideoTrack video = user.awaitTrack(RemoteVideoTrack.class);
        Media.expectVideo(video.openStream(), width, height, 10);
        assertThat(userRoom.remoteParticipant(agent).orElseThrow().trackPublications().values())
                .extracting(p -> p.name())
                .containsExactlyInAnyOrder(PublisherHandler.AUDIO_TRACK_NAME, PublisherHandler.VIDEO_TRACK_NAME);
    }

    @Test
    void endingTheJobReportsSuccessBeforeTheAgentLeaves() throws Exception {
        BlockingQueue<JobContext> running = new ArrayBlockingQueue<>(1);
        startWorker((RoomHandler) (ctx, room) -> {
            running.add(ctx);
            ctx.awaitCancellation(Duration.ofMinutes(1));
        }, JobType.ROOM, "finisher");
        String dispatchId = server.createDispatch(roomName, "finisher", "");
        JobContext ctx = poll(running);
        ctx.shutdown("conversation over");
        assertThat(awaitEnd()).isEqualTo(ctx.job().id() + " SUCCESS");
        // the status arrived before the agent left: the server keeps SUCCESS, not "agent worker left the room"
        await("the agent left", () -> server.listParticipants(roomName).stream()
                .noneMatch(p -> p.getIdentity().equals(ctx.participantIdentity())));
        LivekitAgent.Job job = It.awaitValue("the job's final state", () -> It.jobOf(server, roomName, dispatchId)
                .filter(j -> j.getState().getStatus() != LivekitAgent.JobStatus.JS_RUNNING
                        && j.getState().getStatus() != LivekitAgent.JobStatus.JS_PENDING));
        assertThat(job.getState().getStatus()).isEqualTo(LivekitAgent.JobStatus.JS_SUCCESS);
        assertThat(job.getState().getError()).isEmpty();
    }

    @Test
    void leavingTheRoomEndsTheJobWithSuccess() throws Exception {
        BlockingQueue<String> reasons = new ArrayBlockingQueue<>(2);
        startWorker((RoomHandler) (ctx, room) -> {
            room.disconnect();
            ctx.awaitCancellation();
            reasons.add(ctx.cancelReason().orElse("-"));
        }, JobType.ROOM, "leaver");
        server.createDispatch(roomName, "leaver", "");
        assertThat(awaitEnd()).endsWith(" SUCCESS");
        // whichever comes first: the room's own end, or the server's JobTermination for an agent that left
        assertThat(poll(reasons)).isIn("the room '" + roomName + "' was left (CLIENT_INITIATED)",
                "terminated by the server");
    }

    @Test
    void aLostRoomEndsTheJobAsFailedWithTheReason() throws Exception {
        BlockingQueue<JobContext> running = new ArrayBlockingQueue<>(1);
        // a lost connection stays lost
        startWorker(new Staying(running, RoomOptions.builder().maxReconnectAttempts(0).build()), JobType.ROOM,
                "fragile");
        server.createDispatch(roomName, "fragile", "");
        JobContext ctx = poll(running);
        assertThat(DevServerTestHooks.dropSignalConnection(server, roomName, ctx.participantIdentity())).isEqualTo(1);
        assertThat(awaitEnd()).isEqualTo(ctx.job().id() + " FAILED CONNECTION_FAILED (retryable): the room '"
                + roomName + "' was lost (" + DisconnectReason.SIGNAL_CLOSE + ")");
    }

    @Test
    void terminationAndStopNowLeaveTheRoom() throws Exception {
        BlockingQueue<String> disconnects = new ArrayBlockingQueue<>(4);
        BlockingQueue<JobContext> running = new ArrayBlockingQueue<>(2);
        startWorker(new Staying(running, RoomOptions.builder().addListener(new RoomListener() {
            @Override
            public void onDisconnected(Room room, DisconnectReason reason) {
                disconnects.add(room.localParticipant().identity() + " " + reason);
            }
        }).build()), JobType.ROOM, "stayer");
        String first = server.createDispatch(roomName, "stayer", "");
        JobContext one = poll(running);
        RoomRecorder user = new RoomRecorder();
        join("watcher", user);
        user.await("joined:" + one.participantIdentity());

        server.deleteDispatch(roomName, first);   // JobTermination: the agent leaves by itself, not removed after 3 s
        assertThat(awaitEnd()).isEqualTo(one.job().id() + " SUCCESS");
        assertThat(poll(disconnects)).isEqualTo(one.participantIdentity() + " " + DisconnectReason.CLIENT_INITIATED);
        user.await("left:" + one.participantIdentity());

        server.createDispatch(roomName, "stayer", "");
        JobContext two = poll(running);
        user.await("joined:" + two.participantIdentity());
        worker.stopNow();   // cancels the job: it leaves its room
        assertThat(awaitEnd()).startsWith(two.job().id() + " ");
        assertThat(poll(disconnects)).isEqualTo(two.participantIdentity() + " " + DisconnectReason.CLIENT_INITIATED);
        user.await("left:" + two.participantIdentity());
    }
}
