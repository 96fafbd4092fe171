package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;

import java.util.function.Consumer;

/**
 * webrtc-java's session description observers as lambdas. They are called on WebRTC's signalling thread. Internal:
 * shared by the room client and the dev server.
 */
public final class SdpCallbacks {

    private SdpCallbacks() {
    }

    /** An observer of {@code createOffer}/{@code createAnswer}. */
    public static CreateSessionDescriptionObserver created(Consumer<RTCSessionDescription> then,
                                                           Consumer<String> failed) {
        return new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                then.accept(d);
            }

            @Override
            public void onFailure(String error) {
                failed.accept(error);
            }
        };
    }

    /** An observer of {@code setLocalDescription}/{@code setRemoteDescription}. */
    public static SetSessionDescriptionObserver applied(Runnable then, Consumer<String> failed) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                then.run();
            }

            @Override
            public void onFailure(String error) {
                failed.accept(error);
            }
        };
    }
}
