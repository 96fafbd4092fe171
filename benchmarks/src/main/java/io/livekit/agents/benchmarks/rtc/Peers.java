package io.livekit.agents.benchmarks.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import io.livekit.agents.internal.rtc.SdpCallbacks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plain webrtc-java for the baselines: a factory on a started headless audio device, and peer connections that
 * exchange complete descriptions (all candidates gathered first), in one process or between processes. No LiveKit
 * anywhere.
 */
final class Peers implements AutoCloseable {

    final HeadlessAudioDeviceModule adm;
    final PeerConnectionFactory factory;

    Peers() {
        adm = new HeadlessAudioDeviceModule();
        // started before the factory (or libwebrtc aborts), on its recording side: see RtcMedia in agent-devserver
        adm.initRecording();
        adm.startRecording();
        factory = new PeerConnectionFactory(adm);
    }

    /** A peer connection and the completion of its candidate gathering. */
    record Peer(RTCPeerConnection pc, CompletableFuture<Void> gathered) {
    }

    /**
     * A peer connection whose received tracks go to {@code tracks}. Candidates are not trickled: descriptions are
     * exchanged once gathering completed, with every candidate in them.
     */
    Peer create(Consumer<MediaStreamTrack> tracks) {
        CompletableFuture<Void> gathered = new CompletableFuture<>();
        RTCPeerConnection pc = factory.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate c) {
            }

            @Override
            public void onIceGatheringChange(RTCIceGatheringState state) {
                if (state == RTCIceGatheringState.COMPLETE) {
                    gathered.complete(null);
                }
            }

            @Override
            public void onTrack(RTCRtpTransceiver t) {
                tracks.accept(t.getReceiver().getTrack());
            }
        });
        return new Peer(pc, gathered);
    }

    /** Connects two peer connections of this process: {@code a} offers, {@code b} answers. */
    static void connect(Peer a, Peer b) throws Exception {
        setRemote(b.pc(), offer(a));
        setRemote(a.pc(), answer(b));
    }

    /** Creates and applies an offer, and returns it with all its candidates. */
    static RTCSessionDescription offer(Peer p) throws Exception {
        CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
        p.pc().createOffer(new RTCOfferOptions(), created(f));
        setLocal(p.pc(), f.get(10, TimeUnit.SECONDS));
        p.gathered().get(10, TimeUnit.SECONDS);
        return p.pc().getLocalDescription();
    }

    /** Creates and applies an answer, and returns it with all its candidates. */
    static RTCSessionDescription answer(Peer p) throws Exception {
        CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
        p.pc().createAnswer(new RTCAnswerOptions(), created(f));
        setLocal(p.pc(), f.get(10, TimeUnit.SECONDS));
        p.gathered().get(10, TimeUnit.SECONDS);
        return p.pc().getLocalDescription();
    }

    static void setLocal(RTCPeerConnection pc, RTCSessionDescription d) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        pc.setLocalDescription(d, applied(f));
        f.get(10, TimeUnit.SECONDS);
    }

    static void setRemote(RTCPeerConnection pc, RTCSessionDescription d) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        pc.setRemoteDescription(d, applied(f));
        f.get(10, TimeUnit.SECONDS);
    }

    private static CreateSessionDescriptionObserver created(CompletableFuture<RTCSessionDescription> f) {
        return SdpCallbacks.created(f::complete, e -> f.completeExceptionally(new IllegalStateException(e)));
    }

    private static SetSessionDescriptionObserver applied(CompletableFuture<Void> f) {
        return SdpCallbacks.applied(() -> f.complete(null), e -> f.completeExceptionally(new IllegalStateException(e)));
    }

    @Override
    public void close() {
        factory.dispose();
        adm.stopRecording();
        adm.dispose();
    }
}
