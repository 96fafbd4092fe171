package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import io.livekit.agents.AgentException;

/**
 * The process-wide WebRTC factory, made on first use: webrtc-java's natives, a headless audio device (started
 * BEFORE the factory is created: libwebrtc aborts the JVM otherwise; see {@link #get()}) and one
 * {@link PeerConnectionFactory}.
 * Loading happens here, never in a static initializer of a user-facing class, so a machine without the natives
 * gets a clear {@link AgentException} instead of a {@code NoClassDefFoundError}.
 */
final class WebRtcRuntime {
  private static WebRtcRuntime instance;
  private static Throwable failure;

  final HeadlessAudioDeviceModule audioDevice;
  final PeerConnectionFactory factory;

  private WebRtcRuntime(HeadlessAudioDeviceModule audioDevice, PeerConnectionFactory factory) {
    this.audioDevice = audioDevice;
    this.factory = factory;
  }

  /** The runtime, created on first call. Throws {@code MEDIA_UNAVAILABLE} with the cause and the fix. */
  static synchronized WebRtcRuntime get() {
    if (instance != null) {
      return instance;
    }
    if (failure == null) {
      try {
        HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
        // The device must be started before the factory exists (see docs/toolchain.md: a never-started headless
        // device aborts the JVM), and on its recording side: webrtc-java 0.14's headless device pulls received
        // audio (decoded remote audio through the mixer into our AudioTrackSinks) from its capture thread, which
        // runs only while recording. Started here, it runs from the start, so a client that only listens receives
        // audio (with the playout side started instead, it received none). Known limit of that device: libwebrtc
        // stops the recording when the last local audio track of the process stops sending, and from then on a
        // process whose clients only listen receives no audio until one of them sends again. Restarting it from
        // another thread is not safe (it races libwebrtc's own stop and can deadlock).
        adm.initRecording();
        adm.startRecording();
        instance = new WebRtcRuntime(adm, new PeerConnectionFactory(adm));
        return instance;
      } catch (Throwable t) {
        failure = t;
      }
    }
    String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    String hint = String.valueOf(failure).contains("libpulse")
        ? "install the PulseAudio client library (Debian/Ubuntu: apt-get install libpulse0; no sound server is needed)"
        : "webrtc-java needs its native classifier jar for this platform (dev.onvoid.webrtc:webrtc-java:"
            + "linux-x86_64 is the one tested here) and glibc 2.31 or newer";
    throw new AgentException(AgentException.Code.MEDIA_UNAVAILABLE,
        "WebRTC is not available on " + platform + ": " + failure + "; " + hint, failure);
  }
}
