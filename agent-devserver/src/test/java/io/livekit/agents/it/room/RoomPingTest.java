package io.livekit.agents.it.room;

import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomOptions;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java room client's keep-alive as the server sees it: {@code ping_req} at the JoinResponse's
 * {@code ping_interval}, each answered by the server's {@code pong_resp}. The client talks to the dev server through a
 * {@link SignalTap} that reads the signalling on the way and gives the client a ping interval of 1 s instead of the
 * server's 5 s (the client's own default is 5 s too), so that only a client that takes the interval from the
 * JoinResponse passes. Runs in the test network namespace.
 */
class RoomPingTest extends RoomTestBase {

    private static final int INTERVAL_SECONDS = 1;
    private static final int PINGS = 6;

    private SignalTap tap;

    @AfterEach
    void closeTap() {
        if (tap != null) {
            tap.close();
        }
    }

    @Test
    void theClientPingsAtTheJoinResponsesIntervalAndTheServerAnswersEachPing() throws Exception {
        tap = new SignalTap(RtcEnv.bindHost(), server.port(), INTERVAL_SECONDS);
        RoomRecorder rec = new RoomRecorder();
        Room room = Room.connect(tap.url(), RtcEnv.token(server, "pinger", roomName),
                RoomOptions.builder().addListener(rec).build());
        rooms.add(room);
        assertThat(tap.serverJoinPingIntervals()).as("the server's own interval").containsExactly(5);
        long joinForwardedAt = tap.responses().stream().filter(s -> s.message().hasJoin()).findFirst()
                .orElseThrow().forwardedAtMillis();

        // at 1 s the sixth ping comes after about 6 s; at the server's (or the default) 5 s, only after 30 s
        await(PINGS + " pings", Duration.ofSeconds(25), () -> pings().size() >= PINGS);
        List<SignalTap.Seen<SignalRequest>> pings = pings();
        for (int k = 1; k <= pings.size(); k++) {
            long sentAt = pings.get(k - 1).message().getPingReq().getTimestamp();
            // the client's first tick is an interval after it handled the JoinResponse: never earlier than that
            assertThat(sentAt).as("ping %d is stamped no earlier than %d intervals after the JoinResponse", k, k)
                    .isGreaterThanOrEqualTo(joinForwardedAt + k * INTERVAL_SECONDS * 1000L - 50);
        }
        assertThat(tap.requests()).as("the legacy ping is not used").noneMatch(s -> s.message().hasPing());

        // the server answers every ping_req with a pong_resp carrying its timestamp
        Set<Long> stamps = pings.stream().map(s -> s.message().getPingReq().getTimestamp()).collect(Collectors.toSet());
        await("a pong_resp for every ping", () -> tap.responses().stream().map(SignalTap.Seen::message)
                .filter(SignalResponse::hasPongResp).map(r -> r.getPongResp().getLastPingTimestamp())
                .collect(Collectors.toSet()).containsAll(stamps));
        assertThat(tap.errors()).isEmpty();
        assertThat(rec.all).as("the keep-alive kept the connection").doesNotContain("reconnecting");
    }

    private List<SignalTap.Seen<SignalRequest>> pings() {
        return tap.requests().stream().filter(s -> s.message().hasPingReq()).toList();
    }
}
