package io.livekit.agents.it.room;

import io.livekit.agents.devserver.DevServerListener;
import io.livekit.agents.devserver.DevServerTestHooks;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.DataPacket;
import io.livekit.agents.room.DataPublishOptions;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.RemoteVideoTrack;
import io.livekit.agents.room.Room;
import io.livekit.agents.AgentException;
import io.livekit.agents.room.RoomOptions;
import io.livekit.agents.room.VideoStream;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Java room client against the dev server with real WebRTC media, inside the test run's network namespace:
 * media and data both ways through the server's forwarding, reconnects, leaving, subscriptions, speakers, refused
 * tokens and duplicate identities.
 */
class RoomMediaTest extends RoomTestBase {

    @Test
    void audioAndVideoArePublishedAndReceived() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a);
        Room viewer = join("viewer", b);
        a.await("joined:viewer");
        assertThat(viewer.remoteParticipant("agent")).isPresent();
        assertThat(agent.serverVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(agent.sid()).startsWith("RM_").hasSize(15);
        assertThat(agent.localParticipant().sid()).startsWith("PA_").hasSize(15);

        LocalTrackPublication audioPub = media.publishTone(agent);
        LocalTrackPublication videoPub = media.publishVideo(agent, 320, 240);
        assertThat(audioPub.sid()).startsWith("TR_").hasSize(15);
        assertThat(videoPub.sid()).startsWith("TR_");
        assertThat(agent.localParticipant().trackPublications()).containsKeys(audioPub.sid(), videoPub.sid());

        RemoteAudioTrack audio = b.awaitTrack(RemoteAudioTrack.class);
        assertThat(audio.sid()).isEqualTo(audioPub.sid());
        try (AudioStream s16 = audio.openStream(16000, 1); AudioStream s48 = audio.openStream(48000, 2)) {
            double[] tone = Media.measureTone(s16);
            assertThat(tone[0]).as("rms").isGreaterThan(1000);
            assertThat(tone[1]).as("pitch at 16 kHz").isBetween(420.0, 460.0);
            assertThat(Media.measureTone(s48)[1]).as("pitch at 48 kHz stereo").isBetween(420.0, 460.0);
        }
        RemoteVideoTrack video = b.awaitTrack(RemoteVideoTrack.class);
        assertThat(video.sid()).isEqualTo(videoPub.sid());
        try (VideoStream vs = video.openStream()) {
            Media.expectVideo(vs, 320, 240, 30);
        }
        // the server's view: the publisher lists both tracks
        LivekitModels.ParticipantInfo seen = server.listParticipants(roomName).stream()
                .filter(p -> p.getIdentity().equals("agent")).findFirst().orElseThrow();
        assertThat(seen.getTracksList()).extracting(LivekitModels.TrackInfo::getSid)
                .containsExactlyInAnyOrder(audioPub.sid(), videoPub.sid());
        assertThat(seen.getIsPublisher()).isTrue();

        // mute reaches the other side and the server
        audioPub.setMuted(true);
        b.await("muted:agent");
        assertThat(viewer.remoteParticipant("agent").orElseThrow().trackPublications().get(audioPub.sid()).isMuted())
                .isTrue();
        // every event came on the room's event thread
        assertThat(b.threads).allMatch(n -> n.startsWith("lk-room-events-"));
    }

    @Test
    void unpublishingATrackEndsItForTheSubscribers() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a);
        join("viewer", b);
        LocalTrackPublication pub = media.publishTone(agent);
        RemoteAudioTrack audio = b.awaitTrack(RemoteAudioTrack.class);
        assertThat(audio.sid()).isEqualTo(pub.sid());

        agent.localParticipant().unpublishTrack(pub.sid());
        b.await("unpublished:agent:AUDIO");
        assertThat(server.listParticipants(roomName)).filteredOn(p -> p.getIdentity().equals("agent"))
                .singleElement().satisfies(p -> assertThat(p.getTracksList()).isEmpty());
    }

    @Test
    void dataFlowsBothWaysWithTopicsKindsAndDestinations() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        RoomRecorder c = new RoomRecorder();
        Room agent = join("agent", a);
        Room user = join("user", b);
        join("other", c);
        a.await("joined:other");
        b.await("joined:other");

        agent.localParticipant().publishData("hello".getBytes(StandardCharsets.UTF_8),
                DataPublishOptions.ofReliable().withTopic("chat"));
        DataPacket p1 = b.data.poll(20, TimeUnit.SECONDS);
        assertThat(p1).isNotNull();
        assertThat(new String(p1.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(p1.topic()).contains("chat");
        assertThat(p1.reliable()).isTrue();
        assertThat(p1.senderIdentity()).isEqualTo("agent");
        assertThat(p1.senderSid()).isEqualTo(agent.localParticipant().sid());
        assertThat(c.data.poll(20, TimeUnit.SECONDS)).isNotNull();

        // to one destination only, lossy, back the other way
        user.localParticipant().publishData("only for agent".getBytes(StandardCharsets.UTF_8),
                DataPublishOptions.ofLossy().withDestinations("agent"));
        DataPacket p2 = a.data.poll(20, TimeUnit.SECONDS);
        assertThat(p2).isNotNull();
        assertThat(new String(p2.payload(), StandardCharsets.UTF_8)).isEqualTo("only for agent");
        assertThat(p2.reliable()).isFalse();
        assertThat(p2.topic()).isEmpty();
        assertThat(p2.senderIdentity()).isEqualTo("user");

        // many reliable packets arrive complete and in order
        for (int i = 0; i < 50; i++) {
            agent.localParticipant().publishData(("m" + i).getBytes(StandardCharsets.UTF_8),
                    DataPublishOptions.ofReliable().withDestinations("user"));
        }
        for (int i = 0; i < 50; i++) {
            DataPacket p = b.data.poll(20, TimeUnit.SECONDS);
            assertThat(p).isNotNull();
            assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
        }
        // "other" got nothing addressed to someone else
        assertThat(c.data.poll(500, TimeUnit.MILLISECONDS)).isNull();

        // a payload above the limit is refused with a clear error
        assertThatThrownBy(() -> agent.localParticipant().publishData(new byte[70_000],
                DataPublishOptions.ofReliable())).isInstanceOf(AgentException.class).hasMessageContaining("exceeds");
    }

    @Test
    void blockingCallsOnTheEventThreadFailAtOnce() throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
        RoomRecorder rec = new RoomRecorder() {
            @Override
            public void onParticipantConnected(Room room, io.livekit.agents.room.RemoteParticipant p) {
                try {
                    room.disconnect();
                    failure.complete(null);
                } catch (Throwable t) {
                    failure.complete(t);
                }
            }
        };
        join("agent", rec);
        join("user", new RoomRecorder());
        Throwable t = failure.get(30, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(AgentException.class);
        assertThat(((AgentException) t).code()).isEqualTo(AgentException.Code.WRONG_THREAD);
    }

    @Test
    void theRoomServiceMutesTracksAndSendsDataToLiveParticipants() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a);
        join("viewer", b);
        LocalTrackPublication pub = media.publishTone(agent);
        b.awaitTrack(RemoteAudioTrack.class);

        // MutePublishedTrack (Twirp, protobuf): the publisher is told, and everyone sees the track muted
        java.net.http.HttpResponse<byte[]> res = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.httpUrl()
                                + "/twirp/livekit.RoomService/MutePublishedTrack"))
                        .header("Authorization", "Bearer " + RtcEnv.adminToken(server, roomName))
                        .header("Content-Type", "application/protobuf")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(livekit.LivekitRoom.MuteRoomTrackRequest
                                .newBuilder().setRoom(roomName).setIdentity("agent").setTrackSid(pub.sid())
                                .setMuted(true).build().toByteArray())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(livekit.LivekitRoom.MuteRoomTrackResponse.parseFrom(res.body()).getTrack().getMuted()).isTrue();
        a.await("muted:agent");
        assertThat(pub.isMuted()).as("the publisher's own publication").isTrue();
        b.await("muted:agent");

        // SendData from the server: both get it, from nobody, on the reliable channel
        server.sendData(roomName, "from the server".getBytes(StandardCharsets.UTF_8), "announce", List.of());
        for (RoomRecorder r : List.of(a, b)) {
            DataPacket p = r.data.poll(20, TimeUnit.SECONDS);
            assertThat(p).isNotNull();
            assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("from the server");
            assertThat(p.topic()).contains("announce");
            assertThat(p.senderIdentity()).isEmpty();
        }
        server.sendData(roomName, "only viewer".getBytes(StandardCharsets.UTF_8), null, List.of("viewer"));
        assertThat(new String(b.data.poll(20, TimeUnit.SECONDS).payload(), StandardCharsets.UTF_8))
                .isEqualTo("only viewer");
        assertThat(a.data.poll(500, TimeUnit.MILLISECONDS)).isNull();

        // RemoveParticipant: the client is told why
        server.removeParticipant(roomName, "viewer");
        b.await("disconnected:PARTICIPANT_REMOVED");
        a.await("left:viewer");
    }

    @Test
    void aParticipantWithoutCanPublishDataIsNotHeard() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room mute = joinWith(RtcEnv.token(server, "mute", roomName, Map.of("canPublishData", false), Map.of()), a, true);
        Room user = join("user", b);
        a.await("joined:user");
        assertThatThrownBy(() -> mute.localParticipant().publishData(new byte[] {1}, DataPublishOptions.ofReliable()))
                .isInstanceOf(AgentException.class).hasMessageContaining("canPublishData");
        // the server drops what such a participant sends anyway; the others still talk
        user.localParticipant().publishData(new byte[] {2}, DataPublishOptions.ofReliable());
        assertThat(a.data.poll(20, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void resumesAfterTheSignalConnectionDrops() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a);
        Room user = join("user", b);
        a.await("joined:user");
        String sidBefore = agent.localParticipant().sid();

        assertThat(DevServerTestHooks.dropSignalConnection(server, roomName, "agent")).isEqualTo(1);
        a.await("reconnecting");
        a.await("reconnected");
        assertThat(agent.connectionState()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(agent.localParticipant().sid()).as("resumed as the same participant").isEqualTo(sidBefore);
        assertThat(b.all).doesNotContain("left:agent");

        // signalling and data work again, both ways
        agent.localParticipant().publishData("after".getBytes(StandardCharsets.UTF_8), DataPublishOptions.ofReliable());
        DataPacket p = b.data.poll(20, TimeUnit.SECONDS);
        assertThat(p).isNotNull();
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("after");
        user.localParticipant().publishData("back".getBytes(StandardCharsets.UTF_8), DataPublishOptions.ofReliable());
        assertThat(a.data.poll(20, TimeUnit.SECONDS)).isNotNull();
        // and a track published after the resume is received
        LocalTrackPublication pub = media.publishTone(agent);
        RemoteAudioTrack audio = b.awaitTrack(RemoteAudioTrack.class);
        assertThat(audio.sid()).isEqualTo(pub.sid());
        try (AudioStream s = audio.openStream(48000, 1)) {
            assertThat(Media.measureTone(s)[1]).isBetween(420.0, 460.0);
        }
    }

    @Test
    void aDeclinedResumeEndsInAFullRejoinThatRepublishes() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a);
        join("user", b);
        LocalTrackPublication pub = media.publishTone(agent);
        assertThat(b.awaitTrack(RemoteAudioTrack.class).sid()).isEqualTo(pub.sid());
        String sidBefore = agent.localParticipant().sid();
        String trackBefore = pub.sid();

        // the server forgets the session while the connection drops: the client's resume gets
        // Leave{STATE_MISMATCH, RECONNECT}, and it rejoins as a new session
        assertThat(DevServerTestHooks.forgetParticipant(server, roomName, "agent")).isEqualTo(1);
        a.await("reconnecting");
        a.await("reconnected");
        assertThat(agent.localParticipant().sid()).as("a full rejoin is a new session").isNotEqualTo(sidBefore);
        b.await("left:agent");
        b.await("joined:agent");
        RemoteAudioTrack again = b.awaitTrack(RemoteAudioTrack.class);
        assertThat(again.sid()).as("republished under a new sid").isNotEqualTo(trackBefore)
                .isEqualTo(pub.sid());
        try (AudioStream s = again.openStream(48000, 1)) {
            assertThat(Media.measureTone(s)[1]).isBetween(420.0, 460.0);
        }
    }

    @Test
    void rejoinsAsANewSessionAfterAServerRestartAndRepublishes() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a);
        join("user", b);
        LocalTrackPublication pub = media.publishTone(agent);
        assertThat(b.awaitTrack(RemoteAudioTrack.class).sid()).isEqualTo(pub.sid());
        String sidBefore = agent.localParticipant().sid();

        // the restarted server knows nobody: it declines the resumes, and the clients rejoin as new sessions
        server.restart();
        a.await("reconnecting");
        a.await("reconnected");
        assertThat(agent.connectionState()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(agent.localParticipant().sid()).as("a full rejoin is a new session").isNotEqualTo(sidBefore);
        b.await("reconnected");
        assertThat(server.listParticipants(roomName)).extracting(LivekitModels.ParticipantInfo::getIdentity)
                .containsExactlyInAnyOrder("agent", "user");

        // the other side receives the republished tone from the new session
        RemoteAudioTrack again = b.awaitTrack(RemoteAudioTrack.class);
        assertThat(again.sid()).isEqualTo(agent.localParticipant().trackPublications().keySet().iterator().next());
        try (AudioStream s = again.openStream(16000, 1)) {
            assertThat(Media.measureTone(s)[1]).isBetween(420.0, 460.0);
        }
    }

    @Test
    void cleanLeaveIsSeenByTheOthersAndTheServer() throws Exception {
        List<String> left = new CopyOnWriteArrayList<>();
        server.addListener(new DevServerListener() {
            @Override
            public void onParticipantLeft(String room, LivekitModels.ParticipantInfo p,
                                          LivekitModels.DisconnectReason reason) {
                left.add(p.getIdentity() + ":" + reason);
            }
        });
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a);
        Room user = join("user", b);
        b.await("joined:agent");

        agent.disconnect();
        a.await("disconnected:CLIENT_INITIATED");
        b.await("left:agent");
        assertThat(user.remoteParticipants()).doesNotContainKey("agent");
        assertThat(agent.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
        waitFor(() -> left.contains("agent:CLIENT_INITIATED"));
        assertThat(server.listParticipants(roomName)).extracting(LivekitModels.ParticipantInfo::getIdentity)
                .containsExactly("user");
        // a disconnected room refuses work with a clear error, and disconnecting again is harmless
        assertThatThrownBy(() -> agent.localParticipant().publishData(new byte[1], DataPublishOptions.ofReliable()))
                .isInstanceOf(AgentException.class);
        agent.disconnect();
    }

    @Test
    void chosenSubscriptionsAndActiveSpeakers() throws Exception {
        RoomRecorder a = new RoomRecorder();
        RoomRecorder b = new RoomRecorder();
        Room agent = join("agent", a, true);
        Room listener = join("listener", b, false);
        LocalTrackPublication pub = media.publishTone(agent);
        b.await("published:agent:AUDIO");
        RemoteTrackPublication remote = listener.remoteParticipant("agent").orElseThrow().trackPublications()
                .get(pub.sid());
        assertThat(remote.isSubscribed()).isFalse();
        assertThat(b.subscribed.poll(2, TimeUnit.SECONDS)).as("nothing without a subscription").isNull();

        remote.setSubscribed(true);
        RemoteAudioTrack track = b.awaitTrack(RemoteAudioTrack.class);
        assertThat(track.sid()).isEqualTo(pub.sid());
        assertThat(remote.isSubscribed()).isTrue();

        remote.setSubscribed(false);
        b.await("unsubscribed:agent:AUDIO");
        assertThat(remote.isSubscribed()).isFalse();

        // the server measures the tone and announces its publisher as the active speaker, to everyone
        // (the announcement may come before the unsubscription's event, which await() above skipped over)
        waitFor(() -> b.all.contains("speakers:[agent]"));
        assertThat(listener.activeSpeakers()).extracting(p -> p.identity()).containsExactly("agent");
        waitFor(() -> a.all.contains("speakers:[agent]"));
        assertThat(agent.localParticipant().isSpeaking()).isTrue();
        // muted, it stops speaking
        pub.setMuted(true);
        b.await("speakers:[]");
    }

    @Test
    void aPublisherAloneInItsRoomIsAnnouncedAsSpeaking() throws Exception {
        // nobody subscribes, so the server forwards nothing: it must still take the audio in to measure it
        RoomRecorder a = new RoomRecorder();
        Room agent = join("agent", a);
        media.publishTone(agent);
        a.await("speakers:[agent]");
        assertThat(agent.localParticipant().isSpeaking()).isTrue();
    }

    @Test
    void aRefusedTokenFailsWithAClearError() {
        String bad = io.livekit.agents.internal.auth.LiveKitTokens.sign(server.apiKey(), "another-secret-entirely",
                "x", Map.of("video", Map.of("roomJoin", true, "room", roomName)), Duration.ofMinutes(5));
        assertThatThrownBy(() -> Room.connect(server.url(), bad, RoomOptions.defaults()))
                .isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.UNAUTHENTICATED))
                .hasMessageContaining("401");
        String noJoin = RtcEnv.token(server, "x", roomName, Map.of("roomJoin", false), Map.of());
        assertThatThrownBy(() -> Room.connect(server.url(), noJoin, RoomOptions.defaults()))
                .isInstanceOf(AgentException.class)
                .hasMessageContaining("roomJoin");
    }

    @Test
    void aDuplicateIdentityKicksTheOlderSession() throws Exception {
        RoomRecorder first = new RoomRecorder();
        RoomRecorder second = new RoomRecorder();
        RoomRecorder watcher = new RoomRecorder();
        Room old = join("agent", first);
        join("watcher", watcher);
        Room now = join("agent", second);
        first.await("disconnected:DUPLICATE_IDENTITY");
        assertThat(old.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(now.connectionState()).isEqualTo(ConnectionState.CONNECTED);
        waitFor(() -> server.listParticipants(roomName).stream().filter(p -> p.getIdentity().equals("agent"))
                .map(LivekitModels.ParticipantInfo::getSid).toList().equals(List.of(now.localParticipant().sid())));
        // the watcher sees one agent, the new session
        waitFor(() -> now.localParticipant().sid().equals(
                rooms.get(1).remoteParticipant("agent").map(p -> p.sid()).orElse("")));
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
