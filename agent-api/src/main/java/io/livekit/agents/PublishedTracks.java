package io.livekit.agents;

import io.livekit.agents.room.AudioSource;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.VideoSource;

import java.util.Optional;

/**
 * The local tracks a {@link PublisherHandler} asked for ({@link PublisherHandler#prepareAudioTrack},
 * {@link PublisherHandler#prepareVideoTrack}), created and published by the SDK, with their sources. When both exist
 * they are paced together: the audio source's playout is the clock, and a video frame captured with timestamp
 * {@code t} µs goes out when the audio written {@code t} µs into the source's content is sent (see
 * {@link io.livekit.agents.room.LocalParticipant#createVideoTrack(String, io.livekit.agents.room.VideoSourceOptions,
 * LocalAudioTrack)}). Immutable.
 */
public final class PublishedTracks {

    private final LocalAudioTrack audio;
    private final LocalVideoTrack video;

    private PublishedTracks(LocalAudioTrack audio, LocalVideoTrack video) {
        this.audio = audio;
        this.video = video;
    }

    /**
     * The tracks of a publisher job; either may be null (not prepared).
     *
     * @param audio the published audio track, or null
     * @param video the published video track, or null
     */
    public static PublishedTracks of(LocalAudioTrack audio, LocalVideoTrack video) {
        return new PublishedTracks(audio, video);
    }

    /** The published audio track, if one was prepared. */
    public Optional<LocalAudioTrack> audioTrack() {
        return Optional.ofNullable(audio);
    }

    /** The published video track, if one was prepared. */
    public Optional<LocalVideoTrack> videoTrack() {
        return Optional.ofNullable(video);
    }

    /** The audio track's source, to write PCM into, if an audio track was prepared. */
    public Optional<AudioSource> audioSource() {
        return audioTrack().map(LocalAudioTrack::source);
    }

    /** The video track's source, to capture frames into, if a video track was prepared. */
    public Optional<VideoSource> videoSource() {
        return videoTrack().map(LocalVideoTrack::source);
    }

    @Override
    public String toString() {
        return "PublishedTracks{audio=" + audio + ", video=" + video + '}';
    }
}
