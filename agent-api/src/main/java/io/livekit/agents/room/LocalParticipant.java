package io.livekit.agents.room;

import io.livekit.agents.AgentException;

import java.time.Duration;
import java.util.Map;

/**
 * This client in the room: creates and publishes local tracks and sends data packets.
 *
 * <p>The blocking methods may be called from any thread except the room's event thread (they fail there with
 * {@link AgentException.Code#WRONG_THREAD}).
 */
public interface LocalParticipant extends Participant {
  /** The largest payload {@link #publishData} accepts, in bytes (one DataPacket per message, 64 000 bytes max). */
  int MAX_DATA_PAYLOAD_BYTES = 64_000 - 1_000;

  /** Its publications by track sid; an unmodifiable snapshot. */
  @Override
  Map<String, LocalTrackPublication> trackPublications();

  /**
   * Creates a local audio track fed by a new {@link AudioSource}. Nothing is sent until the track is published.
   *
   * @throws AgentException {@code MEDIA_UNAVAILABLE} if WebRTC cannot run here, {@code INVALID_ARGUMENT} for a bad
   *     format
   */
  LocalAudioTrack createAudioTrack(String name, AudioSourceOptions options);

  /**
   * Creates a local video track fed by a new {@link VideoSource}. Nothing is sent until the track is published.
   *
   * @throws AgentException {@code MEDIA_UNAVAILABLE} if WebRTC cannot run here, {@code INVALID_ARGUMENT} for a bad
   *     size
   */
  LocalVideoTrack createVideoTrack(String name, VideoSourceOptions options);

  /**
   * Creates a local video track paced by an audio track's clock, for lip sync (an avatar): the audio source's playout
   * drives both. A frame captured with timestamp {@code t} µs belongs to the audio written {@code t} µs into
   * {@code clock}'s source (counting from its first sample written, clears included), and goes out when that audio is
   * sent; when the audio runs dry the video waits with it, and {@link AudioSource#clear()} drops the queued frames too.
   * So the producer writes audio and frames on one timeline (silence included while idle); there is one clock, so
   * nothing drifts. A frame captured after its audio went out is dropped rather than sent out of sync, except that the
   * picture never freezes for more than two frame intervals. Publish both with the same
   * {@link TrackPublishOptions#stream()} so receivers sync them.
   *
   * @param clock an audio track created by this participant, not closed
   * @throws AgentException as {@link #createVideoTrack(String, VideoSourceOptions)}; {@code INVALID_ARGUMENT} if
   *     {@code clock} is not this participant's open audio track or already paces another video track
   */
  LocalVideoTrack createVideoTrack(String name, VideoSourceOptions options, LocalAudioTrack clock);

  /**
   * Publishes a track: asks the server (AddTrack), waits for its TrackPublished answer, adds the track to the
   * publisher peer connection and renegotiates. Blocks until the server has acknowledged the publication, at most
   * {@code timeout}.
   *
   * @throws AgentException {@code TIMEOUT}, {@code PERMISSION_DENIED} or {@code DISCONNECTED}
   */
  LocalTrackPublication publishTrack(LocalTrack track, TrackPublishOptions options, Duration timeout);

  /** {@link #publishTrack(LocalTrack, TrackPublishOptions, Duration)} with a 15 s timeout. */
  default LocalTrackPublication publishTrack(LocalTrack track, TrackPublishOptions options) {
    return publishTrack(track, options, Duration.ofSeconds(15));
  }

  /** Stops publishing the track with this sid and renegotiates; its source keeps working. Unknown sids are ignored. */
  void unpublishTrack(String trackSid);

  /**
   * Sends one data packet to the room (or to {@link DataPublishOptions#destinationIdentities()}). Reliable packets
   * are ordered and retransmitted; lossy ones are neither. Returns once the packet is handed to the data channel
   * (which may first wait for the publisher connection, up to 15 s).
   *
   * @throws AgentException {@code INVALID_ARGUMENT} if the payload exceeds {@link #MAX_DATA_PAYLOAD_BYTES},
   *     {@code PERMISSION_DENIED} without the publish-data permission, {@code DISCONNECTED}, {@code TIMEOUT}
   */
  void publishData(byte[] payload, DataPublishOptions options);

  /**
   * Asks the server to change this participant's metadata (needs the {@code canUpdateOwnMetadata} grant). The
   * change shows up in a later participant update; this call does not wait for it.
   */
  void setMetadata(String metadata);
}
