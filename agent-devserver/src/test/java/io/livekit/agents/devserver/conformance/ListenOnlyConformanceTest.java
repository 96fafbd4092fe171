package io.livekit.agents.devserver.conformance;

import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.it.room.Media;
import io.livekit.agents.it.room.RtcEnv;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Java room participant that only listens (a transcriber, say) hears {@code @livekit/rtc-node}'s tone through the
 * dev server: its process sends no audio at all, which is the case webrtc-java's headless audio device got wrong
 * when it was started on its playout side (see WebRtcRuntime in agent-core). In a class of its own, so that its JVM
 * (surefire starts one per class) has never sent audio.
 */
@Tag("webrtc")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ListenOnlyConformanceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int TONE_HZ = 523;

    private DevServer server;
    private NodeProcess node;

    @BeforeEach
    void start() {
        NodeProcess.projectDir();
        server = RtcEnv.server().build().start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        server.close();
    }

    @Test
    void aJavaParticipantThatOnlyListensHearsRtcNodesTone() throws Exception {
        String room = "rtc-node-listen";
        node = NodeProcess.start("rtc-echo.mjs", Map.of("LIVEKIT_URL", server.url(), "LIVEKIT_TOKEN",
                RtcEnv.token(server, "node", room), "PEER_IDENTITY", "listener", "TONE_HZ", Integer.toString(TONE_HZ)));
        assertThat(node.await(e -> e.path("event").asText().matches("published|error"), WAIT).path("event").asText())
                .as(node.output()).isEqualTo("published");
        BlockingQueue<RemoteAudioTrack> tracks = new LinkedBlockingQueue<>();
        Room listener = Room.connect(server.url(), RtcEnv.token(server, "listener", room), RoomOptions.builder()
                .addListener(new RoomListener() {
                    @Override
                    public void onTrackSubscribed(Room r, RemoteTrack track, RemoteTrackPublication pub,
                                                  RemoteParticipant p) {
                        if (track instanceof RemoteAudioTrack a) {
                            tracks.add(a);
                        }
                    }
                }).build());
        try {
            RemoteAudioTrack tone = tracks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(tone).as("rtc-node's track").isNotNull();
            try (AudioStream s = tone.openStream(48000, 1)) {
                double[] measured = Media.measureTone(s);
                assertThat(measured[0]).as("rms").isGreaterThan(1000);
                assertThat(measured[1]).as("pitch").isBetween(TONE_HZ * 0.97, TONE_HZ * 1.03);
            }
        } finally {
            listener.disconnect();
        }
    }
}
