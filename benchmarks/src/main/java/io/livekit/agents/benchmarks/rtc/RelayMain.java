package io.livekit.agents.benchmarks.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.MediaStreamTrack;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The CPU baseline of the dev server's forwarding: a bare webrtc-java relay in its own process. It answers an
 * offer on its "in" connection, and forwards the video track it receives there on its "out" connection
 * ({@code addTrack} of the received track: libwebrtc decodes and re-encodes it, as in the dev server), offering that
 * to the parent. Signalling is JSON lines on stdin/stdout: {@code offer} in, {@code answer} out, {@code offer2} out,
 * {@code answer2} in, {@code quit} in.
 */
public final class RelayMain {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream OUT = System.out;

    private RelayMain() {
    }

    private static synchronized void send(Map<String, ?> message) throws Exception {
        OUT.println(JSON.writeValueAsString(message));
        OUT.flush();
    }

    public static void main(String[] args) throws Exception {
        System.setOut(System.err); // keep stdout for the protocol
        try (Peers peers = new Peers()) {
            Peers.Peer out = peers.create(t -> {
            });
            Peers.Peer in = peers.create(track -> {
                if (MediaStreamTrack.VIDEO_TRACK_KIND.equals(track.getKind())) {
                    // offering blocks on WebRTC's signalling thread, where this callback runs: hand it off
                    Thread t = new Thread(() -> {
                        try {
                            out.pc().addTrack(track, List.of("relay"));
                            send(Map.of("type", "offer2", "sdp", Peers.offer(out).sdp));
                        } catch (Exception e) {
                            e.printStackTrace();
                            System.exit(3);
                        }
                    }, "relay-offer");
                    t.start();
                }
            });
            BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            send(Map.of("type", "ready"));
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode m = JSON.readTree(line);
                switch (m.path("type").asText()) {
                    case "offer" -> {
                        Peers.setRemote(in.pc(), new RTCSessionDescription(RTCSdpType.OFFER, m.get("sdp").asText()));
                        send(Map.of("type", "answer", "sdp", Peers.answer(in).sdp));
                    }
                    case "answer2" -> Peers.setRemote(out.pc(),
                            new RTCSessionDescription(RTCSdpType.ANSWER, m.get("sdp").asText()));
                    case "quit" -> {
                        in.pc().close();
                        out.pc().close();
                        return;
                    }
                    default -> System.err.println("relay: unknown message " + line);
                }
            }
        }
    }
}
