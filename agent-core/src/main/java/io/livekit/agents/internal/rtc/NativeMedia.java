package io.livekit.agents.internal.rtc;

import io.livekit.agents.media.MediaNatives;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the room's media paths can use the native media core. Checked where media is used (never at start-up):
 * without the natives the room still works, on Java and libwebrtc fallbacks, and says so once.
 */
final class NativeMedia {
  private static final Logger LOG = LoggerFactory.getLogger(NativeMedia.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private NativeMedia() {
  }

  /** True when the native core is loaded; logs one warning (per JVM) the first time it is not. */
  static boolean available() {
    if (MediaNatives.isAvailable()) {
      return true;
    }
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("the native media core is not available ({}); media falls back: local audio uses a Java playout "
          + "queue, remote audio is resampled by libwebrtc (in mono), local video is converted by webrtc-java and "
          + "not paced by its audio track. Install the agent-media-native classifier jar for this platform to fix it",
          String.valueOf(MediaNatives.unavailabilityCause()));
    }
    return false;
  }
}
