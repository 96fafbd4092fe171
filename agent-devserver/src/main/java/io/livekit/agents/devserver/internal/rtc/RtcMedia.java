package io.livekit.agents.devserver.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dev server's own WebRTC stack: a headless audio device and one {@link PeerConnectionFactory}, made on the
 * first room join and disposed when the server closes. It is separate from the room client's factory, so a test
 * JVM that runs both keeps the two sides apart (each factory has its own network and signalling threads).
 *
 * <p>The audio device is started before the factory exists (libwebrtc aborts the JVM otherwise), on its recording
 * side: webrtc-java 0.14's headless device pulls received audio through the mixer from its capture thread, which
 * runs only while recording, and that pull is how a received track reaches the senders that forward it and the
 * level meters of the active-speaker updates. Started here it runs from the first join, so a publisher alone in its
 * room is measured. Known limit of that device: libwebrtc stops the recording when the server's last forwarded audio
 * track stops (the last audio subscriber left); until a new subscriber makes it forward audio again, no speaker
 * updates are sent. (Restarting the recording from another thread races libwebrtc's own stop and can deadlock.)
 * Thread-safe.
 */
public final class RtcMedia implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RtcMedia.class);

    private HeadlessAudioDeviceModule audioDevice;
    private PeerConnectionFactory factory;
    private String failure;
    private boolean closed;

    /**
     * The factory, created on first use.
     *
     * @throws IllegalStateException when WebRTC cannot run here; the message names the cause and the fix
     */
    public synchronized PeerConnectionFactory factory() {
        if (closed) {
            throw new IllegalStateException("the dev server is closed");
        }
        if (factory != null) {
            return factory;
        }
        if (failure == null) {
            try {
                HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
                adm.initRecording();
                adm.startRecording();
                audioDevice = adm;
                factory = new PeerConnectionFactory(adm);
                LOG.debug("WebRTC media stack started");
                return factory;
            } catch (Throwable t) {
                failure = describe(t);
                LOG.warn("WebRTC is not available, rooms cannot carry media: {}", failure);
            }
        }
        throw new IllegalStateException(failure);
    }

    /** {@code null} when WebRTC can run here (starting it if needed), else why not. */
    public String unavailableReason() {
        try {
            factory();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private static String describe(Throwable t) {
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        String hint = String.valueOf(t).contains("libpulse")
                ? "install the PulseAudio client library (Debian/Ubuntu: apt-get install libpulse0; no sound server is"
                + " needed)"
                : "webrtc-java needs its native classifier jar for this platform (linux-x86_64 is the one tested)"
                + " and glibc 2.31 or newer";
        return "WebRTC is not available on " + platform + " (" + t + "); " + hint;
    }

    /** Disposes the factory and the audio device. Every peer connection must be closed before. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (factory != null) {
            try {
                factory.dispose();
            } catch (RuntimeException e) {
                LOG.debug("disposing the peer connection factory: {}", e.toString());
            }
            factory = null;
        }
        if (audioDevice != null) {
            try {
                audioDevice.stopRecording();
                audioDevice.dispose();
            } catch (RuntimeException e) {
                LOG.debug("disposing the audio device: {}", e.toString());
            }
            audioDevice = null;
        }
    }
}
