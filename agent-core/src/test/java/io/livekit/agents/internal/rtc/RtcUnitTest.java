package io.livekit.agents.internal.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onvoid.webrtc.RTCIceCandidate;
import io.livekit.agents.AgentException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pieces of the room client that need neither a server nor WebRTC natives. */
class RtcUnitTest {
  @Test
  void roomThreadsCarryTheLoggingContextOfTheThreadThatMadeThem() throws Exception {
    java.util.Map<String, String> before = org.slf4j.MDC.getCopyOfContextMap();
    org.slf4j.MDC.setContextMap(java.util.Map.of("lk.job_id", "AJ_x", "lk.room", "r"));
    java.util.concurrent.ExecutorService events;
    CompletableFuture<String> pacer = new CompletableFuture<>();
    try {
      events = NamedThreads.single("lk-room-events-r");
      NamedThreads.start("lk-audio-pacer-t", () -> pacer.complete(Thread.currentThread().getName() + " "
          + org.slf4j.MDC.get("lk.job_id")));
    } finally {
      if (before == null) {
        org.slf4j.MDC.clear();
      } else {
        org.slf4j.MDC.setContextMap(before);
      }
    }
    try {
      assertThat(events.submit(() -> Thread.currentThread().getName() + " " + org.slf4j.MDC.get("lk.room"))
          .get(5, TimeUnit.SECONDS)).isEqualTo("lk-room-events-r r");
      assertThat(pacer.get(5, TimeUnit.SECONDS)).isEqualTo("lk-audio-pacer-t AJ_x");
    } finally {
      events.shutdown();
    }
  }

  @Test
  void signalUrlCarriesTheClassicV0Parameters() {
    assertThat(RoomImpl.normalizeUrl("http://h:7880/")).isEqualTo("ws://h:7880");
    assertThat(RoomImpl.normalizeUrl("https://h")).isEqualTo("wss://h");
    assertThatThrownBy(() -> RoomImpl.normalizeUrl("ftp://h")).isInstanceOf(AgentException.class)
        .hasMessageContaining("ws://");
    String u = RoomImpl.signalUri("ws://h:7880", "a.b+c", true, null).toString();
    assertThat(u).startsWith("ws://h:7880/rtc?access_token=a.b%2Bc&auto_subscribe=1").contains("&protocol=16")
        .contains("&sdk=java").doesNotContain("reconnect=").doesNotContain("/rtc/v1");
    String r = RoomImpl.signalUri("ws://h:7880", "t", false, "PA_abc").toString();
    assertThat(r).contains("auto_subscribe=0").endsWith("&reconnect=1&sid=PA_abc");
  }

  @Test
  void candidatesAreFullJsonBothWays() {
    String json = Sdp.candidateToJson(new RTCIceCandidate("0", 0, "candidate:1 1 udp 1 10.233.0.1 5000 typ host"));
    assertThat(json).contains("\"candidate\":\"candidate:1").contains("\"sdpMid\":\"0\"").contains("\"sdpMLineIndex\":0");
    RTCIceCandidate back = Sdp.candidateFromJson(json);
    assertThat(back.sdp).startsWith("candidate:1");
    assertThat(back.sdpMid).isEqualTo("0");
    assertThat(Sdp.candidateFromJson("{\"candidate\":\"\",\"sdpMid\":\"0\"}")).isNull();
    assertThatThrownBy(() -> Sdp.candidateFromJson("{not json")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sdp.candidateFromJson("[1]")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trackSidsComeFromTheMsidStream() {
    String sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=msid:PA_x|TR_a trackA\r\n"
        + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=msid:PA_x|TR_v trackV\r\n";
    assertThat(Sdp.msidStreamForMid(sdp, "1")).isEqualTo("PA_x|TR_v");
    assertThat(Sdp.msidStreamForMid(sdp, "7")).isNull();
    assertThat(Sdp.trackSidFromStream("PA_x|TR_v", "whatever")).isEqualTo("TR_v");
    assertThat(Sdp.trackSidFromStream("PA_x|camera", "TR_id")).isEqualTo("TR_id");
    assertThat(Sdp.trackSidFromStream("nobar", "abc")).isNull();
    assertThat(Sdp.participantSidFromStream("PA_x|TR_v")).isEqualTo("PA_x");
  }

  @Test
  void serialExecutorKeepsOrderOnAPool() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      SerialExecutor s = new SerialExecutor(pool);
      java.util.List<Integer> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      CompletableFuture<Void> done = new CompletableFuture<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        s.execute(() -> {
          if (n == 3) {
            throw new IllegalStateException("a failing task does not stop the others");
          }
          seen.add(n);
        });
      }
      s.execute(() -> done.complete(null));
      done.get(5, TimeUnit.SECONDS);
      assertThat(seen).hasSize(999).isSorted();
    } finally {
      pool.shutdownNow();
    }
  }
}
