package io.livekit.agents;

import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalParticipant;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.TrackPublishOptions;
import io.livekit.agents.room.VideoSourceOptions;

import java.util.Optional;

/**
 * A handler for {@link JobType#PUBLISHER publisher} jobs: one job per participant that publishes a track, run with the
 * room connected, handed the publisher and, if the handler asks for them, its own published audio and video tracks
 * (an avatar that answers the publisher, say). Same lifecycle as {@link JobHandler}; this flavour fixes the job type,
 * connects the room before the job starts ({@link #autoConnect()}) and passes the room events of
 * {@link RoomJobListener} to the handler.
 *
 * <p>On the job's own thread, in this order: the room connects; the publisher is awaited in it;
 * {@link #onConnected}; {@link #prepareAudioTrack} and {@link #prepareVideoTrack}; the SDK creates and publishes the
 * prepared tracks (track names {@value #AUDIO_TRACK_NAME} and {@value #VIDEO_TRACK_NAME}, one stream so that
 * receivers play them in sync; with both, the video is paced by the audio clock); {@link #onPublisherJob} with their
 * sources. The tracks end with the room when the job ends.
 *
 * <pre>{@code
 * class Avatar implements PublisherHandler {
 *     public Optional<AudioSourceOptions> prepareAudioTrack(JobContext ctx) {
 *         return Optional.of(AudioSourceOptions.of(48_000, 1));
 *     }
 *     public Optional<VideoSourceOptions> prepareVideoTrack(JobContext ctx) {
 *         return Optional.of(VideoSourceOptions.of(640, 360));
 *     }
 *     public void onPublisherJob(JobContext ctx, Room room, RemoteParticipant publisher, PublishedTracks tracks)
 *             throws Exception {
 *         AudioSource audio = tracks.audioSource().orElseThrow();
 *         VideoSource video = tracks.videoSource().orElseThrow();
 *         // write speech into audio, capture frames into video with timestamps on the audio's timeline
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface PublisherHandler extends JobHandler, RoomJobListener {

    /** The name of the audio track published for {@link #prepareAudioTrack}. */
    String AUDIO_TRACK_NAME = "agent-audio";
    /** The name of the video track published for {@link #prepareVideoTrack}. */
    String VIDEO_TRACK_NAME = "agent-video";

    /**
     * Runs the job for one publisher, on the job's own thread (it may block). The job ends when this returns.
     *
     * @param ctx       the job's context
     * @param room      the job's room, connected
     * @param publisher the participant whose first published track created the job, present in the room
     * @param tracks    the tracks this handler prepared, published, with their sources (empty if it prepared none)
     * @throws Exception to fail the job
     */
    void onPublisherJob(JobContext ctx, Room room, RemoteParticipant publisher, PublishedTracks tracks)
            throws Exception;

    /**
     * The room is connected and the publisher is in it; nothing is published yet. Called on the job's thread; it may
     * block (e.g. to load a model). Throw to fail the job.
     */
    default void onConnected(JobContext ctx, Room room) throws Exception {
    }

    /**
     * The format of the audio track to publish for this job, or empty (the default) for none. Called on the job's
     * thread after {@link #onConnected}.
     */
    default Optional<AudioSourceOptions> prepareAudioTrack(JobContext ctx) {
        return Optional.empty();
    }

    /**
     * The size of the video track to publish for this job, or empty (the default) for none. Called on the job's
     * thread after {@link #prepareAudioTrack}.
     */
    default Optional<VideoSourceOptions> prepareVideoTrack(JobContext ctx) {
        return Optional.empty();
    }

    /**
     * Connects (already done by {@link #autoConnect()}), waits for the publisher, calls {@link #onConnected}, creates
     * and publishes the prepared tracks, then calls {@link #onPublisherJob}. Fails the job if the server sent no
     * participant ({@code PROTOCOL_ERROR}), the publisher is not in the room within the
     * {@linkplain #roomOptions() connect timeout} ({@code TIMEOUT}), or publishing fails.
     */
    @Override
    default void onJob(JobContext ctx) throws Exception {
        ParticipantInfo info = Handlers.participantOf(ctx, "publisher");
        Room room = ctx.connectRoom();
        RemoteParticipant publisher = ctx.waitForParticipant(info.identity(), roomOptions().connectTimeout());
        onConnected(ctx, room);
        Optional<AudioSourceOptions> audioOptions = prepareAudioTrack(ctx);
        Optional<VideoSourceOptions> videoOptions = prepareVideoTrack(ctx);
        LocalParticipant me = room.localParticipant();
        String stream = ctx.participantIdentity();
        LocalAudioTrack audio = null;
        LocalVideoTrack video = null;
        if (audioOptions.isPresent()) {
            audio = me.createAudioTrack(AUDIO_TRACK_NAME, audioOptions.get());
            me.publishTrack(audio, TrackPublishOptions.microphone()
                    .withStereo(audioOptions.get().channels() == 2).withStream(stream));
        }
        if (videoOptions.isPresent()) {
            video = audio != null ? me.createVideoTrack(VIDEO_TRACK_NAME, videoOptions.get(), audio)
                    : me.createVideoTrack(VIDEO_TRACK_NAME, videoOptions.get());
            me.publishTrack(video, TrackPublishOptions.camera().withStream(stream));
        }
        onPublisherJob(ctx, room, publisher, PublishedTracks.of(audio, video));
    }

    /** {@code true}: the room is connected before the job's handler runs. */
    @Override
    default boolean autoConnect() {
        return true;
    }

    /** Always {@link JobType#PUBLISHER}. */
    @Override
    default Optional<JobType> jobType() {
        return Optional.of(JobType.PUBLISHER);
    }
}
