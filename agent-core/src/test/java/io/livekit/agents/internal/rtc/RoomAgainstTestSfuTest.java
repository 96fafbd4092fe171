package io.livekit.agents.internal.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.AgentException;
import io.livekit.agents.room.RoomOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Room behaviours that need a server to act in a chosen way (decline a resume, announce speakers, refuse a
 * token): always against the in-JVM {@link TestSfu}, inside the test run's network namespace.
 */
@Tag("webrtc")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RoomAgainstTestSfuTest {
  private TestSfu sfu;
  private final List<Room> rooms = new ArrayList<>();
  private final AtomicBoolean producing = new AtomicBoolean(true);
  private final List<Thread> producers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    sfu = new TestSfu(RtcTestEnv.bindHost());
  }

  @AfterEach
  void stop() throws Exception {
    producing.set(false);
    for (Thread t : producers) {
      t.join(2000);
    }
    rooms.forEach(Room::disconnect);
    sfu.close();
  }

  private Room join(String identity, RoomWebRtcTest.Recorder rec, boolean autoSubscribe) {
    Room r = Room.connect(sfu.url(), TestSfu.token(identity, "test-room"), RoomOptions.builder()
        .autoSubscribe(autoSubscribe).addListener(rec).reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
        .build());
    rooms.add(r);
    return r;
  }

  private LocalTrackPublication publishTone(Room room) {
    return RoomWebRtcTest.publishTone(room, producing, producers);
  }

  private static RemoteAudioTrack nextAudio(RoomWebRtcTest.Recorder rec) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      var t = rec.subscribed.poll(100, TimeUnit.MILLISECONDS);
      if (t instanceof RemoteAudioTrack a) {
        return a;
      }
    }
    throw new AssertionError("no audio track subscribed; events " + rec.events);
  }

  @Test
  void rejoinsAsANewSessionWhenTheServerDeclinesTheResumeAndRepublishes() throws Exception {
    var a = new RoomWebRtcTest.Recorder();
    var b = new RoomWebRtcTest.Recorder();
    Room agent = join("agent", a, true);
    join("user", b, true);
    LocalTrackPublication pub = publishTone(agent);
    RemoteAudioTrack first = nextAudio(b);
    assertThat(first.sid()).isEqualTo(pub.sid());
    String sidBefore = agent.localParticipant().sid();

    sfu.resumeMode = TestSfu.ResumeMode.DECLINE;
    sfu.dropSignal("agent");
    a.await("reconnecting");
    a.await("reconnected");
    assertThat(agent.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(agent.localParticipant().sid()).as("a full rejoin is a new session").isNotEqualTo(sidBefore);
    assertThat(sfu.sidsOf("agent")).containsExactly(agent.localParticipant().sid());
    assertThat(sfu.received).anyMatch(r -> r.hasAddTrack()); // the track was published again

    // the other side receives the republished tone from the new session
    RemoteAudioTrack again = nextAudio(b);
    assertThat(again.sid()).isEqualTo(agent.localParticipant().trackPublications().keySet().iterator().next());
    try (AudioStream s = again.openStream(16000, 1)) {
      assertThat(RoomWebRtcTest.measureTone(s)[1]).isBetween(420.0, 460.0);
    }
  }

  @Test
  void chosenSubscriptionsAndActiveSpeakers() throws Exception {
    var a = new RoomWebRtcTest.Recorder();
    var b = new RoomWebRtcTest.Recorder();
    Room agent = join("agent", a, true);
    Room listener = join("listener", b, false);
    LocalTrackPublication pub = publishTone(agent);
    b.await("published:agent:AUDIO");
    RemoteTrackPublication remote = listener.remoteParticipant("agent").orElseThrow().trackPublications()
        .get(pub.sid());
    assertThat(remote.isSubscribed()).isFalse();
    assertThat(b.subscribed.poll(1, TimeUnit.SECONDS)).as("nothing without a subscription").isNull();

    remote.setSubscribed(true);
    RemoteAudioTrack track = nextAudio(b);
    assertThat(track.sid()).isEqualTo(pub.sid());
    assertThat(remote.isSubscribed()).isTrue();

    remote.setSubscribed(false);
    b.await("unsubscribed:agent:AUDIO");
    assertThat(remote.isSubscribed()).isFalse();

    sfu.announceSpeaker("agent", 0.8f);
    b.await("speakers:[agent]");
    assertThat(listener.activeSpeakers()).extracting(p -> p.identity()).containsExactly("agent");
    a.await("speakers:[agent]");
    assertThat(agent.localParticipant().isSpeaking()).isTrue();
  }

  @Test
  void aRefusedTokenFailsWithAClearError() {
    String bad = io.livekit.agents.internal.auth.LiveKitTokens.sign("devkey", "another-secret-entirely", "x",
        java.util.Map.of("video", java.util.Map.of("roomJoin", true, "room", "r")), Duration.ofMinutes(5));
    assertThatThrownBy(() -> Room.connect(sfu.url(), bad, RoomOptions.defaults()))
        .isInstanceOf(AgentException.class)
        .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.UNAUTHENTICATED))
        .hasMessageContaining("401");
  }

  @Test
  void blockingCallsOnTheEventThreadFailAtOnce() throws Exception {
    var failure = new java.util.concurrent.CompletableFuture<Throwable>();
    var rec = new RoomWebRtcTest.Recorder() {
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
    join("agent", rec, true);
    join("user", new RoomWebRtcTest.Recorder(), true);
    Throwable t = failure.get(30, TimeUnit.SECONDS);
    assertThat(t).isInstanceOf(AgentException.class);
    assertThat(((AgentException) t).code()).isEqualTo(AgentException.Code.WRONG_THREAD);
  }
}
