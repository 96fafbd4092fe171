package io.livekit.agents.devserver.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dev server's own WebRTC stack: a headless audio device and one {@link PeerConnectionFactory}, made on the
 * first room join and disposed when the server closes. It is separate from the room client's factory, so a test
 * JVM that runs both keeps the two sides apart (each factory has its own network and signalling threads).
 *
 * <p>The audio device is started before the factory exists (libwebrtc aborts the JVM otherwise), on its recording
 * side, and kept recording by the daemon thread {@code lk-devserver-audio-device}: webrtc-java 0.14's headless
 * device pulls received audio through the mixer only while its recording runs, and that pull is how a received
 * track reaches the senders that forward it and the level meters of the active-speaker updates. libwebrtc stops the
 * recording whenever the server no longer sends any audio (nobody subscribes), which would stop both.
 * Thread-safe.
 */
public final class RtcMedia implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RtcMedia.class);

    /** How often the recording is restarted if libwebrtc stopped it: the longest possible gap in received audio. */
    private static final long KEEP_RECORDING_MILLIS = 100;

    private HeadlessAudioDeviceModule audioDevice;
    private ScheduledExecutorService keeper;
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
                keeper = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "lk-devserver-audio-device");
                    t.setDaemon(true);
                    return t;
                });
                keeper.scheduleWithFixedDelay(adm::startRecording, KEEP_RECORDING_MILLIS, KEEP_RECORDING_MILLIS,
                        TimeUnit.MILLISECONDS);
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
        if (keeper != null) {
            keeper.shutdownNow();
            try {
                keeper.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            keeper = null;
        }
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
