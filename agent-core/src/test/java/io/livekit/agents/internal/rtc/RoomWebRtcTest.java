package io.livekit.agents.internal.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.livekit.agents.room.AudioFrame;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.DataPacket;
import io.livekit.agents.room.DataPublishOptions;
import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.RemoteVideoTrack;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import io.livekit.agents.room.TrackPublishOptions;
import io.livekit.agents.room.VideoFrame;
import io.livekit.agents.room.VideoSourceOptions;
import io.livekit.agents.room.VideoStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The room client against a server with real WebRTC media: the in-JVM {@link TestSfu}, or the server named by
 * {@code -Dlk.rtc.url} (see {@link RtcTestEnv}). Runs inside a network namespace.
 */
@Tag("webrtc")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RoomWebRtcTest {
  private TestSfu sfu;
  private String url;
  private String roomName;
  private final List<Room> rooms = new ArrayList<>();
  private final List<Thread> producers = new ArrayList<>();
  private final AtomicBoolean producing = new AtomicBoolean(true);

  @BeforeEach
  void start() throws Exception {
    String host = RtcTestEnv.bindHost();
    url = RtcTestEnv.externalUrl();
    if (url == null) {
      sfu = new TestSfu(host);
      url = sfu.url();
    }
    roomName = "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void stop() throws Exception {
    producing.set(false);
    for (Thread t : producers) {
      t.join(2000);
    }
    for (Room r : rooms) {
      r.disconnect();
    }
    if (sfu != null) {
      sfu.close();
    }
  }

  /** Records every event, as text, in delivery order, plus the data packets. */
  static class Recorder implements RoomListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final BlockingQueue<DataPacket> data = new LinkedBlockingQueue<>();
    final BlockingQueue<RemoteTrack> subscribed = new LinkedBlockingQueue<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    private void add(String e) {
      threads.add(Thread.currentThread().getName());
      events.add(e);
    }

    @Override
    public void onConnectionStateChanged(Room room, ConnectionState state) {
      add("state:" + state);
    }

    @Override
    public void onReconnecting(Room room) {
      add("reconnecting");
    }

    @Override
    public void onReconnected(Room room) {
      add("reconnected");
    }

    @Override
    public void onDisconnected(Room room, DisconnectReason reason) {
      add("disconnected:" + reason);
    }

    @Override
    public void onParticipantConnected(Room room, RemoteParticipant p) {
      add("joined:" + p.identity());
    }

    @Override
    public void onParticipantDisconnected(Room room, RemoteParticipant p) {
      add("left:" + p.identity());
    }

    @Override
    public void onTrackPublished(Room room, RemoteTrackPublication pub, RemoteParticipant p) {
      add("published:" + p.identity() + ":" + pub.kind());
    }

    @Override
    public void onTrackSubscribed(Room room, RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
      add("subscribed:" + p.identity() + ":" + track.kind());
      subscribed.add(track);
    }

    @Override
    public void onTrackUnsubscribed(Room room, RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
      add("unsubscribed:" + p.identity() + ":" + track.kind());
    }

    @Override
    public void onTrackMuted(Room room, io.livekit.agents.room.Participant p,
        io.livekit.agents.room.TrackPublication pub) {
      add("muted:" + p.identity());
    }

    @Override
    public void onDataReceived(Room room, DataPacket packet, RemoteParticipant sender) {
      add("data:" + packet.senderIdentity());
      data.add(packet);
    }

    @Override
    public void onActiveSpeakersChanged(Room room, List<io.livekit.agents.room.Participant> speakers) {
      add("speakers:" + speakers.stream().map(io.livekit.agents.room.Participant::identity).toList());
    }

    /** Waits for an event equal to {@code wanted}, skipping others. */
    void await(String wanted) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<String> seen = new ArrayList<>();
      while (System.nanoTime() < end) {
        String e = events.poll(100, TimeUnit.MILLISECONDS);
        if (e == null) {
          continue;
        }
        seen.add(e);
        if (e.equals(wanted)) {
          return;
        }
      }
      throw new AssertionError("event '" + wanted + "' did not come within 30 s; saw " + seen);
    }
  }

  private Room join(String identity, Recorder rec) {
    return join(identity, rec, true);
  }

  private Room join(String identity, Recorder rec, boolean autoSubscribe) {
    Room r = Room.connect(url, RtcTestEnv.token(identity, roomName), RoomOptions.builder()
        .autoSubscribe(autoSubscribe).addListener(rec).reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
        .build());
    rooms.add(r);
    return r;
  }

  private LocalTrackPublication publishTone(Room room) {
    return publishTone(room, producing, producers);
  }

  /**
   * Publishes a continuous 440 Hz tone (48 kHz mono) written by a producer thread in 20 ms chunks while
   * {@code producing} is set; the thread is added to {@code producers}.
   */
  static LocalTrackPublication publishTone(Room room, AtomicBoolean producing, List<Thread> producers) {
    LocalAudioTrack track = room.localParticipant().createAudioTrack("tone", AudioSourceOptions.of(48000, 1));
    Thread t = new Thread(() -> {
      short[] chunk = new short[960];
      long n = 0;
      try {
        while (producing.get()) {
          for (int i = 0; i < chunk.length; i++, n++) {
            chunk[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * n / 48000.0));
          }
          track.source().write(chunk, 0, chunk.length);
        }
      } catch (InterruptedException | RuntimeException e) {
        // the room closed the source
      }
    }, "test-tone");
    t.start();
    producers.add(t);
    return room.localParticipant().publishTrack(track, TrackPublishOptions.microphone());
  }

  /** Publishes 320x240 RGBA frames of one colour at 30 fps. */
  private LocalTrackPublication publishVideo(Room room) {
    LocalVideoTrack track = room.localParticipant().createVideoTrack("cam", VideoSourceOptions.of(320, 240));
    Thread t = new Thread(() -> {
      ByteBuffer rgba = ByteBuffer.allocateDirect(320 * 240 * 4);
      for (int i = 0; i < 320 * 240; i++) {
        rgba.put((byte) 200).put((byte) 60).put((byte) 40).put((byte) 255);
      }
      rgba.flip();
      long ts = 0;
      try {
        while (producing.get()) {
          track.source().capture(rgba.duplicate(), PixelFormat.RGBA, 320 * 4, ts);
          ts += 33_333;
        }
      } catch (InterruptedException | RuntimeException e) {
        // the room closed the source
      }
    }, "test-video");
    t.start();
    producers.add(t);
    return room.localParticipant().publishTrack(track, TrackPublishOptions.camera());
  }

  private static <T extends RemoteTrack> T awaitTrack(Recorder rec, Class<T> type) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      RemoteTrack t = rec.subscribed.poll(100, TimeUnit.MILLISECONDS);
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " was subscribed within 30 s; events " + rec.events);
  }

  /** Reads one second of non-silent audio and returns {rms, estimated frequency in Hz}. */
  static double[] measureTone(AudioStream stream) throws InterruptedException {
    List<Short> samples = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (samples.size() < stream.sampleRate() && System.nanoTime() < end) {
      AudioFrame f = stream.poll(Duration.ofSeconds(1));
      if (f == null) {
        continue;
      }
      assertThat(f.sampleRate()).isEqualTo(stream.sampleRate());
      assertThat(f.channels()).isEqualTo(stream.channels());
      double energy = 0;
      for (short s : f.data()) {
        energy += s * (double) s;
      }
      if (samples.isEmpty() && Math.sqrt(energy / f.data().length) < 300) {
        continue; // silence before the tone arrives
      }
      for (int i = 0; i < f.data().length; i += f.channels()) {
        samples.add(f.data()[i]);
      }
    }
    assertThat(samples).as("received audio samples").hasSizeGreaterThanOrEqualTo(stream.sampleRate());
    double sum = 0;
    int crossings = 0;
    for (int i = 0; i < samples.size(); i++) {
      sum += samples.get(i) * (double) samples.get(i);
      if (i > 0 && (samples.get(i - 1) < 0) != (samples.get(i) < 0)) {
        crossings++;
      }
    }
    double seconds = samples.size() / (double) stream.sampleRate();
    return new double[] {Math.sqrt(sum / samples.size()), crossings / 2.0 / seconds};
  }

  @Test
  void audioAndVideoArePublishedAndReceived() throws Exception {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Room agent = join("agent", a);
    Room viewer = join("viewer", b);
    a.await("joined:viewer");
    assertThat(viewer.remoteParticipant("agent")).isPresent();
    assertThat(agent.serverVersion()).isNotEmpty();

    LocalTrackPublication audioPub = publishTone(agent);
    LocalTrackPublication videoPub = publishVideo(agent);
    assertThat(audioPub.sid()).startsWith("TR_");
    assertThat(videoPub.sid()).startsWith("TR_");
    assertThat(agent.localParticipant().trackPublications()).containsKeys(audioPub.sid(), videoPub.sid());

    RemoteAudioTrack audio = awaitTrack(b, RemoteAudioTrack.class);
    assertThat(audio.sid()).isEqualTo(audioPub.sid());
    try (AudioStream s16 = audio.openStream(16000, 1); AudioStream s48 = audio.openStream(48000, 2)) {
      double[] tone = measureTone(s16);
      assertThat(tone[0]).as("rms").isGreaterThan(1000);
      assertThat(tone[1]).as("pitch at 16 kHz").isBetween(420.0, 460.0);
      double[] stereo = measureTone(s48);
      assertThat(stereo[1]).as("pitch at 48 kHz stereo").isBetween(420.0, 460.0);
    }

    RemoteVideoTrack video = awaitTrack(b, RemoteVideoTrack.class);
    assertThat(video.sid()).isEqualTo(videoPub.sid());
    try (VideoStream vs = video.openStream()) {
      int frames = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (frames < 30 && System.nanoTime() < end) {
        try (VideoFrame f = vs.poll(Duration.ofSeconds(1))) {
          if (f == null) {
            continue;
          }
          frames++;
          assertThat(f.width()).isEqualTo(320);
          assertThat(f.height()).isEqualTo(240);
          ByteBuffer y = f.dataY();
          long sum = 0;
          for (int row = 100; row < 140; row++) {
            for (int col = 140; col < 180; col++) {
              sum += y.get(row * f.strideY() + col) & 0xff;
            }
          }
          // BT.601 limited range: Y = 16 + 0.257 R + 0.504 G + 0.098 B = 101 for (200, 60, 40)
          assertThat(sum / 1600.0).as("luma of the centre").isBetween(86.0, 116.0);
          int u = f.dataU().get(60 * f.strideU() + 80) & 0xff;
          int v = f.dataV().get(60 * f.strideV() + 80) & 0xff;
          assertThat(v).as("V of a red colour").isGreaterThan(160);
          assertThat(u).as("U of a red colour").isLessThan(120);
        }
      }
      assertThat(frames).as("decoded frames").isGreaterThanOrEqualTo(30);
    }

    // mute reaches the other side
    audioPub.setMuted(true);
    b.await("muted:agent");
    assertThat(viewer.remoteParticipant("agent").orElseThrow().trackPublications().get(audioPub.sid()).isMuted())
        .isTrue();

    // every event came on the room's event thread
    assertThat(b.threads).allMatch(n -> n.startsWith("lk-room-events-"));
  }

  @Test
  void dataFlowsBothWaysWithTopicsKindsAndDestinations() throws Exception {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Recorder c = new Recorder();
    Room agent = join("agent", a);
    Room user = join("user", b);
    Room other = join("other", c);
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
    DataPacket p1c = c.data.poll(20, TimeUnit.SECONDS);
    assertThat(p1c).isNotNull();

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
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> agent.localParticipant().publishData(
            new byte[70_000], DataPublishOptions.ofReliable()))
        .isInstanceOf(io.livekit.agents.AgentException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void reconnectsAfterTheSignalConnectionDrops() throws Exception {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Room agent = join("agent", a);
    Room user = join("user", b);
    a.await("joined:user");
    String sidBefore = agent.localParticipant().sid();

    ((RoomImpl) agent).simulateSignalLoss();
    a.await("reconnecting");
    a.await("reconnected");
    assertThat(agent.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(agent.localParticipant().sid()).as("resumed as the same participant").isEqualTo(sidBefore);

    // signalling and data work again, both ways
    agent.localParticipant().publishData("after".getBytes(StandardCharsets.UTF_8), DataPublishOptions.ofReliable());
    DataPacket p = b.data.poll(20, TimeUnit.SECONDS);
    assertThat(p).isNotNull();
    assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("after");
    user.localParticipant().publishData("back".getBytes(StandardCharsets.UTF_8), DataPublishOptions.ofReliable());
    assertThat(a.data.poll(20, TimeUnit.SECONDS)).isNotNull();
    // and a track published after the resume is received
    LocalTrackPublication pub = publishTone(agent);
    RemoteAudioTrack audio = awaitTrack(b, RemoteAudioTrack.class);
    assertThat(audio.sid()).isEqualTo(pub.sid());
    try (AudioStream s = audio.openStream(48000, 1)) {
      assertThat(measureTone(s)[1]).isBetween(420.0, 460.0);
    }
  }

  @Test
  void cleanLeaveIsSeenByTheOthers() throws Exception {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Room agent = join("agent", a);
    Room user = join("user", b);
    b.await("joined:agent");

    agent.disconnect();
    a.await("state:DISCONNECTED");
    a.await("disconnected:CLIENT_INITIATED");
    b.await("left:agent");
    assertThat(user.remoteParticipants()).doesNotContainKey("agent");
    assertThat(agent.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
    if (sfu != null) {
      assertThat(sfu.received).anyMatch(r -> r.hasLeave()
          && r.getLeave().getReason() == livekit.LivekitModels.DisconnectReason.CLIENT_INITIATED);
    }
    // a disconnected room refuses work with a clear error, and disconnecting again is harmless
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> agent.localParticipant().publishData(
            new byte[1], DataPublishOptions.ofReliable()))
        .isInstanceOf(io.livekit.agents.AgentException.class);
    agent.disconnect();
    assertThat(agent.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
  }
}
