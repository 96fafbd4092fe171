package io.livekit.agents.it.room;

import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.internal.auth.LiveKitTokens;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the WebRTC tests run. They carry media, so they run inside a network namespace the test run made (libwebrtc
 * ignores loopback; no test traffic may leave the machine): surefire starts their JVM through
 * {@code scripts/netns/bin/java}, which sets {@code LK_NETNS} and the namespace's addresses.
 */
public final class RtcEnv {

    private RtcEnv() {
    }

    /** The address to bind test servers to: the namespace's first veth address. Fails outside a namespace. */
    public static String bindHost() {
        String ns = System.getenv("LK_NETNS");
        if (ns == null || ns.isEmpty()) {
            throw new IllegalStateException("WebRTC tests must run inside a network namespace: run them through"
                    + " 'mvn verify' (surefire's webrtc-in-netns execution) or wrap the JVM with scripts/netns/exec");
        }
        String a = System.getenv("LK_NETNS_ADDR_A");
        return a == null || a.isEmpty() ? "10.233.0.1" : a;
    }

    /** A dev server on the namespace address, any free port, with short timeouts so the tests run fast. */
    public static DevServer.Builder server() {
        return DevServer.builder().bind(bindHost()).port(0).pingInterval(Duration.ZERO)
                .participantTimeout(Duration.ofSeconds(5));
    }

    /** A room token for {@code identity} in {@code room} with the default grants. */
    public static String token(DevServer server, String identity, String room) {
        return token(server, identity, room, Map.of(), Map.of());
    }

    /**
     * A room token.
     *
     * @param video  grants added to {@code roomJoin} and {@code room}
     * @param claims other claims ({@code kind}, {@code name}, {@code roomConfig}, ...)
     */
    public static String token(DevServer server, String identity, String room, Map<String, ?> video,
                               Map<String, ?> claims) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("roomJoin", true);
        v.put("room", room);
        v.putAll(video);
        Map<String, Object> all = new LinkedHashMap<>(claims);
        all.put("video", v);
        return LiveKitTokens.sign(server.apiKey(), server.apiSecret(), identity, all, Duration.ofHours(1));
    }

    /** An admin token for the RoomService calls on {@code room}. */
    public static String adminToken(DevServer server, String room) {
        return LiveKitTokens.sign(server.apiKey(), server.apiSecret(), "admin",
                Map.of("video", Map.of("roomAdmin", true, "room", room, "roomCreate", true, "roomList", true)),
                Duration.ofMinutes(10));
    }
}
