package io.livekit.agents.room;

import java.util.Objects;

/**
 * How to publish a track. Immutable; the {@code with...} methods return changed copies.
 *
 * @param source what the track is (camera, microphone, ...)
 * @param stereo whether audio is published as stereo (asks the receivers' decoders for two channels)
 * @param dtx whether Opus discontinuous transmission is allowed (audio)
 * @param simulcast whether video is sent in several layers; this SDK sends one layer, so it must be false
 * @param stream an optional stream name grouping tracks for A/V sync (empty: none)
 */
public record TrackPublishOptions(TrackSource source, boolean stereo, boolean dtx, boolean simulcast, String stream) {
  public TrackPublishOptions {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(stream, "stream");
    if (simulcast) {
      throw new IllegalArgumentException("simulcast is not supported by this SDK; publish with simulcast=false");
    }
  }

  /** A microphone track: mono, DTX on. */
  public static TrackPublishOptions microphone() {
    return new TrackPublishOptions(TrackSource.MICROPHONE, false, true, false, "");
  }

  /** A camera track, one layer. */
  public static TrackPublishOptions camera() {
    return new TrackPublishOptions(TrackSource.CAMERA, false, false, false, "");
  }

  public TrackPublishOptions withStereo(boolean value) {
    return new TrackPublishOptions(source, value, dtx, simulcast, stream);
  }

  public TrackPublishOptions withDtx(boolean value) {
    return new TrackPublishOptions(source, stereo, value, simulcast, stream);
  }

  public TrackPublishOptions withStream(String value) {
    return new TrackPublishOptions(source, stereo, dtx, simulcast, value);
  }
}
