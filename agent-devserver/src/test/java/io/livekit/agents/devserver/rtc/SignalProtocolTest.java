package io.livekit.agents.devserver.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.DevServerListener;
import io.livekit.agents.devserver.TestSupport;
import io.livekit.agents.devserver.WsClient;
import io.livekit.agents.internal.rtc.SdpCallbacks;
import io.livekit.agents.it.room.RtcEnv;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.Ping;
import livekit.LivekitRtc.RequestResponse;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.UpdateParticipantMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dev server's {@code /rtc} signalling as current LiveKit clients need it (docs/signal-protocol.md section 4),
 * checked with a raw WebSocket client: what is refused before the upgrade and how, the JoinResponse, pings, offers
 * and answers, metadata updates, bad input, resumes of unknown sessions and clients that vanish. The server makes
 * peer connections for every participant, so these run in the test network namespace too.
 */
@Tag("webrtc")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignalProtocolTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "auto_subscribe=1&sdk=js&version=2.23.0&protocol=17&client_protocol=2";

    private DevServer server;
    private String room;
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = RtcEnv.server().participantTimeout(Duration.ofSeconds(2)).maxMessageSize(64 * 1024).build().start();
        room = "sig-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        server.close();
    }

    private String token(String identity) {
        return RtcEnv.token(server, identity, room);
    }

    private RawSignal join(String identity) throws Exception {
        return join(token(identity), QUERY);
    }

    private RawSignal join(String token, String query) throws Exception {
        RawSignal s = RawSignal.connect(server, token, query);
        closeables.add(s);
        return s;
    }

    private HttpResponse<String> get(String pathAndQuery, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.httpUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void v1PathsAre404SoClientsFallBackToV0() throws Exception {
        HttpResponse<String> validate = get("/rtc/v1/validate?access_token=" + token("a") + "&join_request=AAAA", null);
        assertThat(validate.statusCode()).isEqualTo(404);
        assertThat(validate.body()).doesNotContain("requested room does not exist").contains("/rtc");
        assertThat(validate.headers().firstValue("access-control-allow-origin")).contains("*");
        assertThatThrownBy(() -> WsClient.connect(server.url() + "/rtc/v1?join_request=AAAA", token("a")))
                .isInstanceOf(WsClient.Refused.class).hasMessageContaining("HTTP 404");
        // a plain GET of /rtc is 404 too; only upgrades are served there
        assertThat(get("/rtc", token("a")).statusCode()).isEqualTo(404);
    }

    @Test
    void validateChecksTheTokenBeforeAnyUpgrade() throws Exception {
        HttpResponse<String> ok = get("/rtc/validate?access_token=" + token("a"), null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body().trim()).isEqualTo("success");
        assertThat(ok.headers().firstValue("access-control-allow-origin")).contains("*");
        assertThat(get("/rtc/validate", token("a")).statusCode()).as("token in the header").isEqualTo(200);

        HttpResponse<String> none = get("/rtc/validate", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("no access token");
        String foreign = io.livekit.agents.internal.auth.LiveKitTokens.sign(server.apiKey(), "not-the-secret-at-all",
                "a", Map.of("video", Map.of("roomJoin", true, "room", room)), Duration.ofMinutes(1));
        assertThat(get("/rtc/validate", foreign).statusCode()).isEqualTo(401);
        HttpResponse<String> noJoin = get("/rtc/validate",
                RtcEnv.token(server, "a", room, Map.of("roomJoin", false), Map.of()));
        assertThat(noJoin.statusCode()).isEqualTo(401);
        assertThat(noJoin.body()).contains("roomJoin");
        HttpResponse<String> noRoom = get("/rtc/validate", RtcEnv.token(server, "a", "", Map.of(), Map.of()));
        assertThat(noRoom.statusCode()).isEqualTo(400);
        assertThat(noRoom.body()).contains("room");
        long exp = System.currentTimeMillis() / 1000 + 60;
        String anonymous = TestSupport.rawJwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"iss\":\"" + server.apiKey()
                + "\",\"exp\":" + exp + ",\"video\":{\"roomJoin\":true,\"room\":\"" + room + "\"}}", server.apiSecret());
        HttpResponse<String> noIdentity = get("/rtc/validate", anonymous);
        assertThat(noIdentity.statusCode()).isEqualTo(400);
        assertThat(noIdentity.body()).contains("identity");
        // the WebSocket upgrade is refused the same way, before upgrading
        assertThatThrownBy(() -> WsClient.connect(server.url() + "/rtc?" + QUERY, foreign))
                .isInstanceOf(WsClient.Refused.class).hasMessageContaining("HTTP 401");
        // validation creates no room
        assertThat(server.listRooms()).isEmpty();
    }

    @Test
    void theJoinResponseHasWhatClientsRequire() throws Exception {
        RawSignal first = join(RtcEnv.token(server, "first", room, Map.of("canPublish", false),
                Map.of("name", "First", "metadata", "m1", "attributes", Map.of("k", "v"))), QUERY);
        JoinResponse j = first.next(SignalResponse.MessageCase.JOIN).getJoin();
        assertThat(first.seen.get(0).hasJoin()).as("the JoinResponse is the first message").isTrue();
        assertThat(j.getRoom().getSid()).matches("RM_[2-9A-HJ-NP-Za-km-z]{12}");
        assertThat(j.getRoom().getName()).isEqualTo(room);
        ParticipantInfo me = j.getParticipant();
        assertThat(me.getSid()).matches("PA_[2-9A-HJ-NP-Za-km-z]{12}");
        assertThat(me.getIdentity()).isEqualTo("first");
        assertThat(me.getName()).isEqualTo("First");
        assertThat(me.getMetadata()).isEqualTo("m1");
        assertThat(me.getAttributesMap()).containsEntry("k", "v");
        assertThat(me.getState()).isEqualTo(ParticipantInfo.State.JOINED);
        assertThat(me.getPermission().getCanPublish()).isFalse();
        assertThat(me.getPermission().getCanPublishData()).as("defaults to canPublish").isFalse();
        assertThat(me.getPermission().getCanSubscribe()).isTrue();
        assertThat(me.getClientProtocol()).isEqualTo(2);
        assertThat(j.getServerVersion()).isEqualTo(j.getServerInfo().getVersion()).matches("\\d+\\.\\d+\\.\\d+");
        String[] v = j.getServerVersion().split("\\.");
        assertThat(Integer.parseInt(v[0]) * 1000 + Integer.parseInt(v[1])).as("version >= 1.8").isGreaterThanOrEqualTo(1008);
        assertThat(j.getPingInterval()).isPositive();
        assertThat(j.getPingTimeout()).isGreaterThan(j.getPingInterval());
        assertThat(j.getSubscriberPrimary()).isTrue();
        assertThat(j.getOtherParticipantsList()).isEmpty();

        // subscriber-primary: the server offers the subscriber connection right after the join, with id 1
        SessionDescription offer = first.next(SignalResponse.MessageCase.OFFER).getOffer();
        assertThat(offer.getType()).isEqualTo("offer");
        assertThat(offer.getId()).isEqualTo(1);
        assertThat(offer.getSdp()).contains("m=application").contains("webrtc-datachannel");
        // trickled candidates are full RTCIceCandidateInit JSON
        JsonNode c = JSON.readTree(first.next(SignalResponse.MessageCase.TRICKLE).getTrickle().getCandidateInit());
        assertThat(c.get("candidate").asText()).startsWith("candidate:");
        assertThat(c.get("sdpMid").isTextual()).isTrue();
        assertThat(c.get("sdpMLineIndex").isInt()).isTrue();

        // a second participant sees the first; the first hears of the second
        RawSignal second = RawSignal.connectWithQueryToken(server, token("second"), QUERY);
        closeables.add(second);
        JoinResponse j2 = second.next(SignalResponse.MessageCase.JOIN).getJoin();
        assertThat(j2.getOtherParticipantsList()).extracting(ParticipantInfo::getIdentity).containsExactly("first");
        assertThat(j2.getRoom().getSid()).isEqualTo(j.getRoom().getSid());
        ParticipantInfo announced = first.next(SignalResponse.MessageCase.UPDATE).getUpdate().getParticipants(0);
        assertThat(announced.getIdentity()).isEqualTo("second");
        assertThat(announced.getSid()).isEqualTo(j2.getParticipant().getSid());
    }

    @Test
    void pingsOfBothKindsAreAnswered() throws Exception {
        RawSignal s = join("a");
        s.next(SignalResponse.MessageCase.JOIN);
        long before = System.currentTimeMillis();
        s.send(SignalRequest.newBuilder().setPing(123).build());
        long pong = s.next(SignalResponse.MessageCase.PONG).getPong();
        assertThat(pong).as("milliseconds").isBetween(before - 1000, System.currentTimeMillis() + 1000);
        s.send(SignalRequest.newBuilder().setPingReq(Ping.newBuilder().setTimestamp(42).setRtt(5)).build());
        var resp = s.next(SignalResponse.MessageCase.PONG_RESP).getPongResp();
        assertThat(resp.getLastPingTimestamp()).isEqualTo(42);
        assertThat(resp.getTimestamp()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        // a protojson text frame gets a protojson answer
        s.ws.sendText("{\"pingReq\":{\"timestamp\":\"77\"}}");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = null;
        while (text == null && System.nanoTime() < end) {
            Object o = s.ws.received.poll(100, TimeUnit.MILLISECONDS);
            if (o instanceof String t) {
                text = t;
            }
        }
        assertThat(text).contains("pongResp").contains("77");
    }

    @Test
    void publisherOffersAreAnsweredWithTheirId() throws Exception {
        RawSignal s = join("a");
        s.next(SignalResponse.MessageCase.JOIN);
        String sdp = clientOffer();
        s.send(SignalRequest.newBuilder().setOffer(SessionDescription.newBuilder().setType("offer").setSdp(sdp).setId(7))
                .build());
        SessionDescription answer = s.next(SignalResponse.MessageCase.ANSWER).getAnswer();
        assertThat(answer.getType()).isEqualTo("answer");
        assertThat(answer.getId()).isEqualTo(7);
        assertThat(answer.getSdp()).contains("m=application");
        // an offer of a type the server does not expect is ignored, and the connection stays usable
        s.send(SignalRequest.newBuilder().setOffer(SessionDescription.newBuilder().setType("bogus").setSdp("x")).build());
        s.send(SignalRequest.newBuilder().setOffer(SessionDescription.newBuilder().setType("offer").setSdp("not sdp")
                .setId(8)).build());
        s.send(SignalRequest.newBuilder().setPing(1).build());
        s.next(SignalResponse.MessageCase.PONG);
    }

    /** A real publisher offer (a data channel only) from a webrtc-java peer connection of the test's own. */
    private static String clientOffer() throws Exception {
        HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
        adm.initRecording();
        adm.startRecording();
        PeerConnectionFactory f = new PeerConnectionFactory(adm);
        RTCPeerConnection pc = f.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
            }
        });
        try {
            pc.createDataChannel("_reliable", new RTCDataChannelInit());
            CompletableFuture<RTCSessionDescription> offer = new CompletableFuture<>();
            pc.createOffer(new RTCOfferOptions(), SdpCallbacks.created(offer::complete,
                    error -> offer.completeExceptionally(new IllegalStateException(error))));
            return offer.get(10, TimeUnit.SECONDS).sdp;
        } finally {
            pc.close();
            f.dispose();
            adm.stopRecording();
            adm.dispose();
        }
    }

    @Test
    void addTrackIsAcknowledgedOrRefusedWithAReason() throws Exception {
        RawSignal s = join(RtcEnv.token(server, "a", room, Map.of("canPublishSources", List.of("microphone")),
                Map.of()), QUERY);
        s.next(SignalResponse.MessageCase.JOIN);
        s.send(SignalRequest.newBuilder().setAddTrack(AddTrackRequest.newBuilder().setCid("mic-1").setName("mic")
                .setType(TrackType.AUDIO).setSource(TrackSource.MICROPHONE)).build());
        var published = s.next(SignalResponse.MessageCase.TRACK_PUBLISHED).getTrackPublished();
        assertThat(published.getCid()).isEqualTo("mic-1");
        assertThat(published.getTrack().getSid()).matches("TR_[2-9A-HJ-NP-Za-km-z]{12}");
        assertThat(published.getTrack().getMimeType()).isEqualTo("audio/opus");
        assertThat(published.getTrack().getSource()).isEqualTo(TrackSource.MICROPHONE);

        s.send(SignalRequest.newBuilder().setAddTrack(AddTrackRequest.newBuilder().setCid("cam-1").setName("cam")
                .setType(TrackType.VIDEO).setSource(TrackSource.CAMERA)).build());
        RequestResponse refused = s.next(SignalResponse.MessageCase.REQUEST_RESPONSE).getRequestResponse();
        assertThat(refused.getReason()).isEqualTo(RequestResponse.Reason.NOT_ALLOWED);
        assertThat(refused.getAddTrack().getCid()).isEqualTo("cam-1");
        assertThat(refused.getMessage()).contains("canPublishSources");

        s.send(SignalRequest.newBuilder().setAddTrack(AddTrackRequest.newBuilder().setCid("d").setType(TrackType.DATA)
                .setSource(TrackSource.MICROPHONE)).build());
        assertThat(s.next(SignalResponse.MessageCase.REQUEST_RESPONSE).getRequestResponse().getReason())
                .isEqualTo(RequestResponse.Reason.UNSUPPORTED_TYPE);
    }

    @Test
    void metadataUpdatesAreAnsweredWithARequestResponse() throws Exception {
        RawSignal denied = join("denied");
        denied.next(SignalResponse.MessageCase.JOIN);
        denied.send(SignalRequest.newBuilder().setUpdateMetadata(UpdateParticipantMetadata.newBuilder()
                .setMetadata("x").setRequestId(3)).build());
        RequestResponse no = denied.next(SignalResponse.MessageCase.REQUEST_RESPONSE).getRequestResponse();
        assertThat(no.getRequestId()).isEqualTo(3);
        assertThat(no.getReason()).isEqualTo(RequestResponse.Reason.NOT_ALLOWED);

        RawSignal s = join(RtcEnv.token(server, "a", room, Map.of("canUpdateOwnMetadata", true), Map.of()), QUERY);
        s.next(SignalResponse.MessageCase.JOIN);
        s.send(SignalRequest.newBuilder().setUpdateMetadata(UpdateParticipantMetadata.newBuilder()
                .setMetadata("new meta").setName("New Name").putAttributes("role", "host").setRequestId(9)).build());
        ParticipantInfo updated;
        do {
            updated = s.next(SignalResponse.MessageCase.UPDATE).getUpdate().getParticipants(0);
        } while (!updated.getIdentity().equals("a"));
        assertThat(updated.getMetadata()).isEqualTo("new meta");
        assertThat(updated.getName()).isEqualTo("New Name");
        assertThat(updated.getAttributesMap()).containsEntry("role", "host");
        RequestResponse ok = s.next(SignalResponse.MessageCase.REQUEST_RESPONSE).getRequestResponse();
        assertThat(ok.getRequestId()).isEqualTo(9);
        assertThat(ok.getReason()).isEqualTo(RequestResponse.Reason.OK);
        // the others see it too, and so does the server
        ParticipantInfo seen;
        do {
            seen = denied.next(SignalResponse.MessageCase.UPDATE).getUpdate().getParticipants(0);
        } while (!seen.getIdentity().equals("a") || !seen.getMetadata().equals("new meta"));
        assertThat(server.listParticipants(room)).filteredOn(p -> p.getIdentity().equals("a")).singleElement()
                .satisfies(p -> assertThat(p.getMetadata()).isEqualTo("new meta"));
    }

    @Test
    void badFramesCloseOnlyTheirConnection() throws Exception {
        RawSignal bystander = join("bystander");
        bystander.next(SignalResponse.MessageCase.JOIN);

        RawSignal garbage = join("garbage");
        garbage.next(SignalResponse.MessageCase.JOIN);
        garbage.ws.sendBytes(new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1});
        WsClient.Closed closed = garbage.awaitClose();
        assertThat(closed.code()).isEqualTo(1007);
        assertThat(closed.reason()).contains("cannot parse");

        RawSignal huge = join("huge");
        huge.next(SignalResponse.MessageCase.JOIN);
        huge.ws.sendBytes(new byte[100 * 1024]);
        WsClient.Closed tooBig = huge.awaitClose();
        assertThat(tooBig.code()).isEqualTo(1009);

        RawSignal text = join("text");
        text.next(SignalResponse.MessageCase.JOIN);
        text.ws.sendText("{not json");
        assertThat(text.awaitClose().code()).isEqualTo(1007);

        // an unknown kind of request (a newer client's) is ignored and the connection stays up
        RawSignal newer = join("newer");
        newer.next(SignalResponse.MessageCase.JOIN);
        newer.ws.sendBytes(new byte[] {(byte) 0xfa, 0x06, 0x02, 0x08, 0x01}); // field 111, a small message
        newer.send(SignalRequest.newBuilder().setPing(5).build());
        newer.next(SignalResponse.MessageCase.PONG);
        // trickles with broken JSON are dropped, not fatal
        newer.send(SignalRequest.newBuilder().setTrickle(livekit.LivekitRtc.TrickleRequest.newBuilder()
                .setCandidateInit("{{{")).build());
        newer.send(SignalRequest.newBuilder().setPing(6).build());
        newer.next(SignalResponse.MessageCase.PONG);

        // the bystander never noticed
        bystander.send(SignalRequest.newBuilder().setPing(1).build());
        bystander.next(SignalResponse.MessageCase.PONG);
        assertThat(bystander.ws.closed).isNotDone();
    }

    @Test
    void aResumeOfAnUnknownSessionIsDeclinedWithReconnect() throws Exception {
        RawSignal s = join(token("a"), QUERY + "&reconnect=1&sid=PA_notarealsid1");
        SignalResponse first = s.next(RawSignal.WAIT);
        assertThat(first.hasLeave()).isTrue();
        assertThat(first.getLeave().getReason()).isEqualTo(DisconnectReason.STATE_MISMATCH);
        assertThat(first.getLeave().getAction()).isEqualTo(LeaveRequest.Action.RECONNECT);
        assertThat(s.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void aResumeOfAKnownSessionGetsAReconnectResponseAndAnIceRestartOffer() throws Exception {
        RawSignal s = join("a");
        JoinResponse j = s.next(SignalResponse.MessageCase.JOIN).getJoin();
        s.next(SignalResponse.MessageCase.OFFER);
        s.ws.close();
        RawSignal again = join(token("a"), QUERY + "&reconnect=1&sid=" + j.getParticipant().getSid());
        assertThat(again.next(RawSignal.WAIT).hasReconnect()).as("the first message").isTrue();
        SessionDescription offer = again.next(SignalResponse.MessageCase.OFFER).getOffer();
        assertThat(offer.getId()).isGreaterThan(1);
        assertThat(server.listParticipants(room)).extracting(ParticipantInfo::getSid)
                .containsExactly(j.getParticipant().getSid());
    }

    @Test
    void aVanishedClientIsRemovedAfterTheParticipantTimeout() throws Exception {
        // a participant timeout that leaves a loaded machine ample time to admit the watcher while ghost is kept
        server.close();
        server = RtcEnv.server().participantTimeout(Duration.ofSeconds(4)).maxMessageSize(64 * 1024).build().start();
        List<String> left = new CopyOnWriteArrayList<>();
        server.addListener(new DevServerListener() {
            @Override
            public void onParticipantLeft(String r, ParticipantInfo p, DisconnectReason reason) {
                left.add(p.getIdentity() + ":" + reason);
            }
        });
        RawSignal ghost = join("ghost");
        ghost.next(SignalResponse.MessageCase.JOIN);
        ghost.ws.close();
        Thread.sleep(1000);
        RawSignal watcher = join("watcher");
        assertThat(watcher.next(SignalResponse.MessageCase.JOIN).getJoin().getOtherParticipantsList())
                .extracting(ParticipantInfo::getIdentity).as("still waiting for a resume").containsExactly("ghost");
        // ghost never came back: removed 4 s after its connection dropped, and the others hear of it
        ParticipantInfo gone;
        do {
            gone = watcher.next(SignalResponse.MessageCase.UPDATE).getUpdate().getParticipants(0);
        } while (!(gone.getIdentity().equals("ghost") && gone.getState() == ParticipantInfo.State.DISCONNECTED));
        assertThat(gone.getDisconnectReason()).isEqualTo(DisconnectReason.SIGNAL_CLOSE);
        awaitTrue(() -> left.equals(List.of("ghost:SIGNAL_CLOSE")));
        // watcher, connected but never answering its offer (its peer connection never connects), is removed too,
        // with a Leave that says why
        SignalResponse leave = watcher.next(SignalResponse.MessageCase.LEAVE);
        assertThat(leave.getLeave().getReason()).isEqualTo(DisconnectReason.JOIN_FAILURE);
        assertThat(watcher.awaitClose().code()).isEqualTo(1000);
        awaitTrue(() -> server.listParticipants(room).isEmpty());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + RawSignal.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + RawSignal.WAIT);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aDuplicateIdentityKicksTheOlderSession() throws Exception {
        RawSignal old = join("same");
        old.next(SignalResponse.MessageCase.JOIN);
        RawSignal now = join("same");
        String newSid = now.next(SignalResponse.MessageCase.JOIN).getJoin().getParticipant().getSid();
        SignalResponse leave = old.next(SignalResponse.MessageCase.LEAVE);
        assertThat(leave.getLeave().getReason()).isEqualTo(DisconnectReason.DUPLICATE_IDENTITY);
        assertThat(leave.getLeave().getAction()).isEqualTo(LeaveRequest.Action.DISCONNECT);
        awaitTrue(() -> server.listParticipants(room).stream().map(ParticipantInfo::getSid).toList()
                .equals(List.of(newSid)));
    }

    @Test
    void aLeaveRemovesTheParticipantAndTheOthersHearOfIt() throws Exception {
        RawSignal a = join("a");
        a.next(SignalResponse.MessageCase.JOIN);
        RawSignal b = join("b");
        b.next(SignalResponse.MessageCase.JOIN);
        b.send(SignalRequest.newBuilder().setLeave(LeaveRequest.newBuilder()
                .setReason(DisconnectReason.CLIENT_INITIATED)).build());
        ParticipantInfo p;
        do {
            p = a.next(SignalResponse.MessageCase.UPDATE).getUpdate().getParticipants(0);
        } while (p.getState() != ParticipantInfo.State.DISCONNECTED);
        assertThat(p.getIdentity()).isEqualTo("b");
        assertThat(p.getDisconnectReason()).isEqualTo(DisconnectReason.CLIENT_INITIATED);
        awaitTrue(() -> server.listParticipants(room).stream().map(ParticipantInfo::getIdentity).toList()
                .equals(List.of("a")));
    }

    @Test
    void theJoinTokensRoomConfigAppliesOnlyWhenTheJoinCreatesTheRoom() throws Exception {
        Map<String, Object> config = Map.of("metadata", "from token", "maxParticipants", 2,
                "agents", List.of(Map.of("agentName", "helper", "metadata", "m")));
        RawSignal a = join(RtcEnv.token(server, "a", room, Map.of(), Map.of("roomConfig", config)), QUERY);
        JoinResponse j = a.next(SignalResponse.MessageCase.JOIN).getJoin();
        assertThat(j.getRoom().getMetadata()).isEqualTo("from token");
        assertThat(j.getRoom().getMaxParticipants()).isEqualTo(2);
        assertThat(server.listDispatches(room)).extracting(d -> d.getAgentName()).containsExactly("helper");

        Map<String, Object> other = Map.of("metadata", "ignored", "agents", List.of(Map.of("agentName", "other")));
        RawSignal b = join(RtcEnv.token(server, "b", room, Map.of(), Map.of("roomConfig", other)), QUERY);
        assertThat(b.next(SignalResponse.MessageCase.JOIN).getJoin().getRoom().getMetadata()).isEqualTo("from token");
        assertThat(server.listDispatches(room)).extracting(d -> d.getAgentName()).containsExactly("helper");

        // the room allows 2: a third participant is refused before the upgrade
        assertThatThrownBy(() -> join("c")).isInstanceOf(WsClient.Refused.class).hasMessageContaining("HTTP 403")
                .hasMessageContaining("full");
    }

    @Test
    void doubleSlashesAreCollapsed() throws Exception {
        TestSupport.RawResponse r = rawGet("//rtc/validate?access_token=" + token("a"));
        assertThat(r.status()).isEqualTo(200);
    }

    private TestSupport.RawResponse rawGet(String path) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new TestSupport.RawResponse(res.statusCode(), "", res.body());
    }

    @Test
    void roomServiceActsOnLiveParticipants() throws Exception {
        RawSignal a = join("a");
        a.next(SignalResponse.MessageCase.JOIN);
        RawSignal b = join("b");
        String bSid = b.next(SignalResponse.MessageCase.JOIN).getJoin().getParticipant().getSid();
        String admin = RtcEnv.adminToken(server, room);
        Twirp twirp = new Twirp(server, admin);

        var list = livekit.LivekitRoom.ListParticipantsResponse.parseFrom(twirp.call("ListParticipants",
                livekit.LivekitRoom.ListParticipantsRequest.newBuilder().setRoom(room).build()));
        assertThat(list.getParticipantsList()).extracting(ParticipantInfo::getIdentity).containsExactly("a", "b");
        ParticipantInfo got = ParticipantInfo.parseFrom(twirp.call("GetParticipant",
                livekit.LivekitRoom.RoomParticipantIdentity.newBuilder().setRoom(room).setIdentity("b").build()));
        assertThat(got.getSid()).isEqualTo(bSid);
        assertThat(twirp.status("GetParticipant", livekit.LivekitRoom.RoomParticipantIdentity.newBuilder()
                .setRoom(room).setIdentity("nobody").build())).isEqualTo(404);

        // UpdateParticipant: everyone sees the new metadata
        ParticipantInfo updated = ParticipantInfo.parseFrom(twirp.call("UpdateParticipant",
                livekit.LivekitRoom.UpdateParticipantRequest.newBuilder().setRoom(room).setIdentity("b")
                        .setMetadata("set by admin").build()));
        assertThat(updated.getMetadata()).isEqualTo("set by admin");
        ParticipantInfo seen;
        do {
            seen = a.next(SignalResponse.MessageCase.UPDATE).getUpdate().getParticipants(0);
        } while (!seen.getMetadata().equals("set by admin"));

        // UpdateRoomMetadata: a RoomUpdate
        twirp.call("UpdateRoomMetadata", livekit.LivekitRoom.UpdateRoomMetadataRequest.newBuilder().setRoom(room)
                .setMetadata("room meta").build());
        assertThat(a.next(SignalResponse.MessageCase.ROOM_UPDATE).getRoomUpdate().getRoom().getMetadata())
                .isEqualTo("room meta");

        // remote unmute is refused as on LiveKit's default configuration; a bad nonce too
        assertThat(twirp.status("MutePublishedTrack", livekit.LivekitRoom.MuteRoomTrackRequest.newBuilder()
                .setRoom(room).setIdentity("b").setTrackSid("TR_x").setMuted(false).build())).isEqualTo(412);
        assertThat(twirp.status("SendData", livekit.LivekitRoom.SendDataRequest.newBuilder().setRoom(room)
                .setData(ByteString.copyFromUtf8("x")).setNonce(ByteString.copyFromUtf8("short")).build()))
                .isEqualTo(400);

        // RemoveParticipant: Leave PARTICIPANT_REMOVED
        twirp.call("RemoveParticipant", livekit.LivekitRoom.RoomParticipantIdentity.newBuilder().setRoom(room)
                .setIdentity("b").build());
        assertThat(b.next(SignalResponse.MessageCase.LEAVE).getLeave().getReason())
                .isEqualTo(DisconnectReason.PARTICIPANT_REMOVED);
        assertThat(twirp.status("RemoveParticipant", livekit.LivekitRoom.RoomParticipantIdentity.newBuilder()
                .setRoom(room).setIdentity("b").build())).isEqualTo(404);

        // DeleteRoom: Leave ROOM_DELETED
        twirp.call("DeleteRoom", livekit.LivekitRoom.DeleteRoomRequest.newBuilder().setRoom(room).build());
        assertThat(a.next(SignalResponse.MessageCase.LEAVE).getLeave().getReason())
                .isEqualTo(DisconnectReason.ROOM_DELETED);
        assertThat(server.listRooms()).isEmpty();
    }

    @Test
    void anEmptyRoomClosesAfterTheDepartureTimeoutAndAgentsAloneDoNotKeepItOpen() throws Exception {
        server.close(); // raw clients never connect media: give them time before they count as failed joins
        server = RtcEnv.server().participantTimeout(Duration.ofSeconds(30)).build().start();
        Map<String, Object> config = Map.of("departureTimeout", 1, "emptyTimeout", 1);
        RawSignal user = join(RtcEnv.token(server, "user", room, Map.of(), Map.of("roomConfig", config)), QUERY);
        user.next(SignalResponse.MessageCase.JOIN);
        RawSignal agent = join(RtcEnv.token(server, "agent", room, Map.of("agent", true), Map.of("kind", "agent")),
                QUERY);
        agent.next(SignalResponse.MessageCase.JOIN);
        Thread.sleep(6_000); // past the grace after the last admitted join: the user keeps the room open
        assertThat(server.listRooms()).extracting(r -> r.getName()).containsExactly(room);

        user.send(SignalRequest.newBuilder().setLeave(LeaveRequest.getDefaultInstance()).build());
        // only the agent is left: the room closes after the departure timeout and the agent is told
        SignalResponse leave = agent.next(SignalResponse.MessageCase.LEAVE);
        assertThat(leave.getLeave().getReason()).isEqualTo(DisconnectReason.ROOM_CLOSED);
        awaitTrue(() -> server.listRooms().isEmpty());
    }

    @Test
    void closingRoomsAndTheServerLeavesNoThreadsBehind() throws Exception {
        for (int i = 0; i < 5; i++) {
            RawSignal s = join("p" + i);
            s.next(SignalResponse.MessageCase.JOIN);
            if (i % 2 == 0) {
                s.ws.close(); // gone without a leave
            }
        }
        assertThat(roomThreads()).as("the room's thread").hasSize(1);
        server.deleteRoom(room);
        awaitTrue(() -> roomThreads().isEmpty());
        server.close();
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("lk-devserver")).toList()).isEmpty();
    }

    private List<String> roomThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.equals("lk-devserver-room-" + room)).toList();
    }

    /** A Twirp RoomService client with protobuf bodies. */
    static final class Twirp {
        private final DevServer server;
        private final String token;

        Twirp(DevServer server, String token) {
            this.server = server;
            this.token = token;
        }

        private HttpResponse<byte[]> post(String method, com.google.protobuf.Message body) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/twirp/livekit.RoomService/" + method))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }

        byte[] call(String method, com.google.protobuf.Message body) throws Exception {
            HttpResponse<byte[]> r = post(method, body);
            assertThat(r.statusCode()).as(method + ": " + new String(r.body())).isEqualTo(200);
            return r.body();
        }

        int status(String method, com.google.protobuf.Message body) throws Exception {
            return post(method, body).statusCode();
        }
    }
}
