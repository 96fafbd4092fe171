package io.livekit.agents.examples.avatar;

import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.RemoteVideoTrack;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.VideoFrame;
import io.livekit.agents.room.VideoStream;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The simulated user's eyes and ears: a {@link RoomListener} that subscribes to what the other participants (the
 * avatar) publish, reads their audio (48 kHz mono, 10 ms frames) and video on threads of its own, counts what
 * arrives and hands every frame to a {@link Sink}.
 */
public final class Viewer implements RoomListener {

    /** Audio frames quieter than this RMS (of 32767) count as silence. */
    public static final double SILENCE_RMS = 300;

    /** Receives the media as it arrives, on the viewer's reading threads. Must not block; no-op defaults. */
    public interface Sink {
        /** 10 ms of the avatar's audio (48 kHz mono; the array is reused), read at {@code nanoTime}. */
        default void onAudio(short[] pcm, long nanoTime) {
        }

        /** A decoded video frame, read at {@code nanoTime}; the viewer closes it after this returns. */
        default void onVideo(VideoFrame frame, long nanoTime) {
        }
    }

    private final Consumer<String> log;
    private final Sink sink;
    private final AtomicLong audioFrames = new AtomicLong();
    private final AtomicLong voicedFrames = new AtomicLong();
    private final AtomicLong videoFrames = new AtomicLong();
    private volatile String videoSize = "-";

    /**
     * @param log  where to print what the user notices (joins, subscriptions)
     * @param sink gets every frame (use {@code new Viewer.Sink() {}} for none)
     */
    public Viewer(Consumer<String> log, Sink sink) {
        this.log = Objects.requireNonNull(log, "log");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void onParticipantConnected(Room room, RemoteParticipant participant) {
        log.accept("'" + participant.identity() + "' (" + participant.kind() + ") joined the room");
    }

    @Override
    public void onParticipantDisconnected(Room room, RemoteParticipant participant) {
        log.accept("'" + participant.identity() + "' left the room");
    }

    /** Opens a stream on each new track (this is the room's event thread: no blocking) and reads it elsewhere. */
    @Override
    public void onTrackSubscribed(Room room, RemoteTrack track, RemoteTrackPublication publication,
                                  RemoteParticipant participant) {
        log.accept("subscribed to " + participant.identity() + "'s " + track.kind().name().toLowerCase()
                + " track '" + publication.name() + "'");
        if (track instanceof RemoteAudioTrack) {
            AudioStream stream = ((RemoteAudioTrack) track).openStream(48_000, 1);
            start("viewer-audio", () -> readAudio(stream));
        } else if (track instanceof RemoteVideoTrack) {
            VideoStream stream = ((RemoteVideoTrack) track).openStream();
            start("viewer-video", () -> readVideo(stream));
        }
    }

    private void readAudio(AudioStream stream) throws InterruptedException {
        short[] pcm = new short[480];
        while (stream.read(pcm) > 0) {
            long now = System.nanoTime();
            audioFrames.incrementAndGet();
            if (Avatar.rms(pcm, pcm.length) >= SILENCE_RMS) {
                voicedFrames.incrementAndGet();
            }
            sink.onAudio(pcm, now);
        }
    }

    private void readVideo(VideoStream stream) throws InterruptedException {
        VideoFrame frame;
        while ((frame = stream.read()) != null) {
            try (VideoFrame f = frame) {
                videoFrames.incrementAndGet();
                videoSize = f.width() + "x" + f.height();
                sink.onVideo(f, System.nanoTime());
            }
        }
    }

    private static void start(String name, Reader body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @FunctionalInterface
    private interface Reader {
        void run() throws InterruptedException;
    }

    /** A one-line summary of what arrived so far. */
    public String summary() {
        return String.format("heard %.1f s of audio (%.1f s voiced), saw %d video frames (%s)",
                audioFrames.get() / 100.0, voicedFrames.get() / 100.0, videoFrames.get(), videoSize);
    }

    /** Seconds of audio received. */
    public double audioSeconds() {
        return audioFrames.get() / 100.0;
    }

    /** Seconds of non-silent audio received. */
    public double voicedSeconds() {
        return voicedFrames.get() / 100.0;
    }

    /** Video frames received. */
    public long videoFrames() {
        return videoFrames.get();
    }
}
