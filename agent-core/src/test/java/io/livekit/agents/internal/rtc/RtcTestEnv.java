package io.livekit.agents.internal.rtc;

import io.livekit.agents.internal.auth.LiveKitTokens;
import java.time.Duration;
import java.util.Map;

/**
 * Where the WebRTC tests run. They carry media, so they must run inside a network namespace the test run made
 * (libwebrtc ignores loopback; no test traffic may leave the machine): surefire starts the JVM through
 * {@code scripts/netns/java-in-netns}, which sets {@code LK_NETNS} and the addresses.
 *
 * <p>The server under test is a {@link TestSfu} started in the JVM, unless {@code -Dlk.rtc.url=ws://...} (with
 * {@code -Dlk.rtc.key}/{@code -Dlk.rtc.secret}, default devkey/secret) points the tests at another server inside the
 * same namespace, e.g. {@code livekit-server --dev --bind 10.233.0.1} or the project's dev server.
 */
final class RtcTestEnv {
  private RtcTestEnv() {
  }

  /** The address to bind test servers to: the namespace's first veth address. Fails outside a namespace. */
  static String bindHost() {
    String ns = System.getenv("LK_NETNS");
    if (ns == null || ns.isEmpty()) {
      throw new IllegalStateException("WebRTC tests must run inside a network namespace: run them through "
          + "'mvn verify' (surefire uses scripts/netns/java-in-netns) or wrap the JVM with scripts/netns/exec");
    }
    String a = System.getenv("LK_NETNS_ADDR_A");
    return a == null || a.isEmpty() ? "10.233.0.1" : a;
  }

  static String externalUrl() {
    String u = System.getProperty("lk.rtc.url", "");
    return u.isBlank() ? null : u;
  }

  static String token(String identity, String room) {
    String key = System.getProperty("lk.rtc.key", TestSfu.KEY);
    String secret = System.getProperty("lk.rtc.secret", TestSfu.SECRET);
    return LiveKitTokens.sign(key, secret, identity, Map.of("video", Map.of("roomJoin", true, "room", room,
        "canPublish", true, "canSubscribe", true, "canPublishData", true)), Duration.ofHours(1));
  }
}
