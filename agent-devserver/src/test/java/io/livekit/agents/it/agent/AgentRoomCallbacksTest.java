package io.livekit.agents.it.agent;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobType;
import io.livekit.agents.PublishedTracks;
import io.livekit.agents.PublisherHandler;
import io.livekit.agents.RoomHandler;
import io.livekit.agents.it.room.Media;
import io.livekit.agents.it.room.RoomRecorder;
import io.livekit.agents.it.support.It;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.RemoteVideoTrack;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.TrackKind;
import io.livekit.agents.room.VideoSourceOptions;
import io.livekit.agents.room.VideoStream;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The typed handlers' callbacks end to end, with a worker whose jobs join rooms on the dev server (real peer
 * connections, inside the test run's network namespace): {@link io.livekit.agents.RoomJobListener#onTrackPublished}
 * and {@link io.livekit.agents.RoomJobListener#onTrackSubscribed} for tracks published before and after the agent
 * joined, on the room's event thread with the job's room, with tracks that carry media; and
 * {@link PublisherHandler#onConnected}: called on the job's thread with the room connected and the publisher in it,
 * before {@link PublisherHandler#prepareAudioTrack} and {@link PublisherHandler#prepareVideoTrack}, with nothing
 * published yet; and a throwing {@code onConnected} fails the job before anything is prepared.
 */
class AgentRoomCallbacksTest extends AgentJobTestBase {

    private static <T> T poll(BlockingQueue<T> q, String what) throws InterruptedException {
        T v = q.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(v).as(what).isNotNull();
        return v;
    }

    private static boolean onRoomEventThread() {
        return Thread.currentThread().getName().startsWith("lk-room-events");
    }

    @Test
    void aRoomJobIsToldOfTracksPublishedAndSubscribedBeforeAndAfterItJoined() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        BlockingQueue<Room> jobRooms = new ArrayBlockingQueue<>(1);
        BlockingQueue<AudioStream> audioStreams = new LinkedBlockingQueue<>();
        BlockingQueue<VideoStream> videoStreams = new LinkedBlockingQueue<>();
        BlockingQueue<String> measured = new LinkedBlockingQueue<>();
        startWorker(new RoomHandler() {
            @Override
            public void onRoomJob(JobContext ctx, Room room) throws Exception {
                jobRooms.add(room);
                // the streams the callbacks opened carry the user's media: measured here, on the job's thread
                try {
                    try (AudioStream audio = poll(audioStreams, "the audio stream opened in onTrackSubscribed")) {
                        double[] tone = Media.measureTone(audio);
                        measured.add("audio rms>1000=" + (tone[0] > 1000)
                                + " pitch-440=" + (tone[1] > 430 && tone[1] < 450) + " (" + tone[1] + " Hz)");
                    }
                    try (VideoStream video = poll(videoStreams, "the video stream opened in onTrackSubscribed")) {
                        measured.add("video frames=" + Media.expectVideo(video, 320, 240, 5));
                    }
                } catch (Exception | AssertionError e) {
                    measured.add("failed: " + e);
                }
                ctx.awaitCancellation();
            }

            @Override
            public void onTrackPublished(JobContext ctx, RemoteTrackPublication publication,
                                         RemoteParticipant participant) {
                events.add("published " + participant.identity() + " " + publication.kind() + " " + publication.sid()
                        + " event-thread=" + onRoomEventThread() + " job-room=" + ctx.room().isPresent()
                        + " owner=" + participant.trackPublications().containsKey(publication.sid()));
            }

            @Override
            public void onTrackSubscribed(JobContext ctx, RemoteTrack track, RemoteTrackPublication publication,
                                          RemoteParticipant participant) {
                events.add("subscribed " + participant.identity() + " " + track.kind() + " " + publication.sid()
                        + " event-thread=" + onRoomEventThread() + " job-room=" + ctx.room().isPresent()
                        + " same-sid=" + track.sid().equals(publication.sid())
                        + " publication-track=" + (publication.track().orElse(null) == track));
                // as the Javadoc says: open the stream now (it does not block), read it elsewhere
                if (track instanceof RemoteAudioTrack a) {
                    audioStreams.add(a.openStream(48_000, 1));
                } else if (track instanceof RemoteVideoTrack v) {
                    videoStreams.add(v.openStream());
                }
            }
        }, JobType.ROOM, "watcher");

        // the user publishes audio before the agent is dispatched: the agent hears of it when it joins
        RoomRecorder user = new RoomRecorder();
        Room userRoom = join("user", user);
        LocalTrackPublication audio = media.publishTone(userRoom);
        server.createDispatch(roomName, "watcher", "");
        Room agentRoom = poll(jobRooms, "the room job");
        user.await("joined:" + agentRoom.localParticipant().identity());
        String tail = " event-thread=true job-room=true";
        await("the agent was told of the audio published before it joined, and subscribed to it",
                () -> events.contains("subscribed user AUDIO " + audio.sid() + tail
                        + " same-sid=true publication-track=true"));
        assertThat(events).as("published comes first").startsWith("published user AUDIO " + audio.sid() + tail
                + " owner=true");

        // a video track published while the agent is in the room
        LocalTrackPublication video = media.publishVideo(userRoom, 320, 240);
        await("the agent was told of the video published after it joined, and subscribed to it",
                () -> events.contains("subscribed user VIDEO " + video.sid() + tail
                        + " same-sid=true publication-track=true"));
        assertThat(events).containsExactly(
                "published user AUDIO " + audio.sid() + tail + " owner=true",
                "subscribed user AUDIO " + audio.sid() + tail + " same-sid=true publication-track=true",
                "published user VIDEO " + video.sid() + tail + " owner=true",
                "subscribed user VIDEO " + video.sid() + tail + " same-sid=true publication-track=true");

        // the subscribed tracks carry the user's tone and picture
        assertThat(poll(measured, "the audio measurement")).startsWith("audio rms>1000=true pitch-440=true ");
        assertThat(poll(measured, "the video measurement")).isEqualTo("video frames=5");
    }

    @Test
    void onConnectedRunsOnTheJobThreadWithTheRoomConnectedBeforeTheTracksArePrepared() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        BlockingQueue<String> running = new ArrayBlockingQueue<>(1);
        startWorker(new PublisherHandler() {
            private Room connected;

            @Override
            public void onConnected(JobContext ctx, Room room) {
                connected = room;
                threads.add(Thread.currentThread());
                calls.add("onConnected state=" + room.connectionState()
                        + " publisher-present=" + room.remoteParticipant("speaker").isPresent()
                        + " ctx-room=" + (ctx.room().orElse(null) == room)
                        + " nothing-published=" + room.localParticipant().trackPublications().isEmpty()
                        + " event-thread=" + onRoomEventThread());
            }

            @Override
            public Optional<AudioSourceOptions> prepareAudioTrack(JobContext ctx) {
                threads.add(Thread.currentThread());
                calls.add("prepareAudioTrack nothing-published="
                        + ctx.room().orElseThrow().localParticipant().trackPublications().isEmpty());
                return Optional.of(AudioSourceOptions.of(48_000, 1));
            }

            @Override
            public Optional<VideoSourceOptions> prepareVideoTrack(JobContext ctx) {
                threads.add(Thread.currentThread());
                calls.add("prepareVideoTrack nothing-published="
                        + ctx.room().orElseThrow().localParticipant().trackPublications().isEmpty());
                return Optional.of(VideoSourceOptions.of(160, 120));
            }

            @Override
            public void onPublisherJob(JobContext ctx, Room room, RemoteParticipant publisher, PublishedTracks tracks)
                    throws Exception {
                threads.add(Thread.currentThread());
                calls.add("onPublisherJob publisher=" + publisher.identity() + " same-room=" + (room == connected)
                        + " published=" + room.localParticipant().trackPublications().values().stream()
                        .map(p -> p.name()).sorted().toList());
                running.add(Thread.currentThread().getName());
                ctx.awaitCancellation();
            }
        }, JobType.PUBLISHER, "");

        RoomRecorder user = new RoomRecorder();
        Room userRoom = join("speaker", user);
        media.publishTone(userRoom);   // the first publication launches the publisher job
        String jobThread = poll(running, "onPublisherJob");
        JobInfo job = worker.activeJobs().iterator().next();
        assertThat(calls).containsExactly(
                "onConnected state=" + ConnectionState.CONNECTED
                        + " publisher-present=true ctx-room=true nothing-published=true event-thread=false",
                "prepareAudioTrack nothing-published=true",
                "prepareVideoTrack nothing-published=true",
                "onPublisherJob publisher=speaker same-room=true published=["
                        + PublisherHandler.AUDIO_TRACK_NAME + ", " + PublisherHandler.VIDEO_TRACK_NAME + "]");
        assertThat(threads).as("every call on the job's own thread").hasSize(4).allSatisfy(t -> assertThat(t)
                .isSameAs(threads.get(0)));
        assertThat(jobThread).as("the job's thread").isEqualTo("lk-job-" + job.id());
        // and the prepared tracks were really published: the user sees them
        user.await("published:agent-" + job.id() + ":" + TrackKind.AUDIO);
    }

    @Test
    void aThrowingOnConnectedFailsTheJobBeforeAnythingIsPrepared() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        startWorker(new PublisherHandler() {
            @Override
            public void onConnected(JobContext ctx, Room room) {
                calls.add("onConnected");
                throw new IllegalStateException("the model did not load");
            }

            @Override
            public Optional<AudioSourceOptions> prepareAudioTrack(JobContext ctx) {
                calls.add("prepareAudioTrack");
                return Optional.of(AudioSourceOptions.of(48_000, 1));
            }

            @Override
            public Optional<VideoSourceOptions> prepareVideoTrack(JobContext ctx) {
                calls.add("prepareVideoTrack");
                return Optional.empty();
            }

            @Override
            public void onPublisherJob(JobContext ctx, Room room, RemoteParticipant publisher, PublishedTracks tracks) {
                calls.add("onPublisherJob");
            }
        }, JobType.PUBLISHER, "");

        RoomRecorder user = new RoomRecorder();
        Room userRoom = join("speaker", user);
        media.publishTone(userRoom);
        String end = poll(ended, "the job's end");
        assertThat(end).contains(" FAILED ").contains("the model did not load");
        assertThat(calls).containsExactly("onConnected");
        String agentPrefix = "agent-" + end.substring(0, end.indexOf(' '));
        await("the failed job's agent left the room", () -> server.listParticipants(roomName).stream()
                .noneMatch(p -> p.getIdentity().equals(agentPrefix)));
        assertThat(user.all).as("the agent published nothing").noneMatch(e -> e.startsWith("published:agent-"));
    }
}
