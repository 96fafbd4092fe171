package io.livekit.agents.devserver.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.internal.rtc.SdpCallbacks;
import io.livekit.agents.it.room.Media;
import io.livekit.agents.it.room.RtcEnv;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomOptions;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a subscriber reads on its signalling connection when another participant publishes (docs/signal-protocol.md:
 * clients drop a track whose publisher they do not know yet): the {@code ParticipantUpdate} that lists the
 * publisher's track comes before the subscriber offer that forwards it, and that offer names the track's stream
 * {@code PA_<publisher sid>|TR_<track sid>} in its {@code a=msid} line. The subscriber is a raw signalling client
 * that answers every offer with a webrtc-java peer connection of its own; the publisher is the Java room client.
 * Runs in the test network namespace.
 */
@Tag("webrtc")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForwardedTrackSignalOrderTest {

    private static final String QUERY = "auto_subscribe=1&sdk=js&version=2.23.0&protocol=17&client_protocol=2";
    private static final Pattern MSID = Pattern.compile("(?m)^a=msid:(\\S+) (\\S+)\\s*$");

    private DevServer server;
    private String room;
    private HeadlessAudioDeviceModule adm;
    private PeerConnectionFactory factory;
    private RTCPeerConnection pc;
    private RawSignal sub;
    private Room publisher;
    private final Media media = new Media();

    @BeforeEach
    void start() {
        // the raw subscriber never connects ICE: give it all the time the test needs before it counts as failed
        server = RtcEnv.server().participantTimeout(Duration.ofSeconds(90)).build().start();
        room = "order-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() throws Exception {
        media.close();
        if (publisher != null) {
            publisher.disconnect();
        }
        if (sub != null) {
            sub.close();
        }
        if (pc != null) {
            pc.close();
        }
        if (factory != null) {
            factory.dispose();
        }
        if (adm != null) {
            adm.stopRecording();
            adm.dispose();
        }
        server.close();
    }

    /** Answers a subscriber offer with the test's own peer connection, echoing the offer's id. */
    private void answer(SessionDescription offer) throws Exception {
        CompletableFuture<Void> remote = new CompletableFuture<>();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, offer.getSdp()), SdpCallbacks.applied(
                () -> remote.complete(null), e -> remote.completeExceptionally(new IllegalStateException(e))));
        remote.get(30, TimeUnit.SECONDS);
        CompletableFuture<RTCSessionDescription> created = new CompletableFuture<>();
        pc.createAnswer(new RTCAnswerOptions(), SdpCallbacks.created(created::complete,
                e -> created.completeExceptionally(new IllegalStateException(e))));
        RTCSessionDescription answer = created.get(30, TimeUnit.SECONDS);
        CompletableFuture<Void> local = new CompletableFuture<>();
        pc.setLocalDescription(answer, SdpCallbacks.applied(() -> local.complete(null),
                e -> local.completeExceptionally(new IllegalStateException(e))));
        local.get(30, TimeUnit.SECONDS);
        sub.send(SignalRequest.newBuilder().setAnswer(SessionDescription.newBuilder().setType("answer")
                .setSdp(answer.sdp).setId(offer.getId())).build());
    }

    @Test
    void theParticipantUpdateOfATrackComesBeforeTheOfferThatForwardsItWithAnMsidOfBothSids() throws Exception {
        adm = new HeadlessAudioDeviceModule();
        adm.initRecording();
        adm.startRecording();
        factory = new PeerConnectionFactory(adm);
        pc = factory.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                // not trickled: this subscriber's connection need not come up to read the signalling
            }
        });

        sub = RawSignal.connect(server, RtcEnv.token(server, "sub", room), QUERY);
        sub.next(SignalResponse.MessageCase.JOIN);
        SessionDescription first = sub.next(SignalResponse.MessageCase.OFFER).getOffer();
        assertThat(first.getSdp()).as("the first offer forwards nothing").doesNotContain("a=msid:");
        answer(first);

        publisher = Room.connect(server.url(), RtcEnv.token(server, "pub", room), RoomOptions.defaults());
        String publisherSid = publisher.localParticipant().sid();
        LocalTrackPublication track = media.publishTone(publisher);
        String trackSid = track.sid();
        assertThat(publisherSid).startsWith("PA_");
        assertThat(trackSid).startsWith("TR_");

        // read on, answering every offer, until an offer carries the published track
        SessionDescription forwarding = null;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (forwarding == null) {
            assertThat(System.nanoTime()).as("an offer forwarding the track within 60 s; seen " + sub.kinds())
                    .isLessThan(end);
            SignalResponse r = sub.next(Duration.ofSeconds(60));
            if (r.hasOffer()) {
                if (r.getOffer().getSdp().contains("a=msid:")) {
                    forwarding = r.getOffer();
                } else {
                    answer(r.getOffer());
                }
            }
        }
        int offerAt = sub.seen.size() - 1;

        // the first update that lists the track (with its publisher), and where it came
        int updateAt = -1;
        List<SignalResponse> seen = new ArrayList<>(sub.seen);
        for (int i = 0; i < seen.size() && updateAt < 0; i++) {
            if (seen.get(i).hasUpdate()) {
                for (ParticipantInfo p : seen.get(i).getUpdate().getParticipantsList()) {
                    if (p.getTracksList().stream().map(TrackInfo::getSid).anyMatch(trackSid::equals)) {
                        assertThat(p.getSid()).isEqualTo(publisherSid);
                        assertThat(p.getIdentity()).isEqualTo("pub");
                        updateAt = i;
                    }
                }
            }
        }
        assertThat(updateAt).as("a participant update listing " + trackSid + " before the offer at " + offerAt
                + "; seen " + sub.kinds()).isBetween(0, offerAt - 1);

        // the forwarding offer: one audio m-line whose msid stream is PA_x|TR_y of the publisher and its track
        String sdp = forwarding.getSdp();
        assertThat(sdp).contains("m=audio");
        Matcher m = MSID.matcher(sdp);
        List<String> streams = new ArrayList<>();
        while (m.find()) {
            streams.add(m.group(1));
        }
        assertThat(streams).as(sdp).containsExactly(publisherSid + "|" + trackSid);
        answer(forwarding);
        assertThat(sub.ws.closed).as("the subscriber is still connected").isNotDone();
    }
}
