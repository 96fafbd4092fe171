package io.livekit.agents.it.room;

import io.livekit.agents.room.AudioFrame;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.TrackPublishOptions;
import io.livekit.agents.room.VideoFrame;
import io.livekit.agents.room.VideoSourceOptions;
import io.livekit.agents.room.VideoStream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test media: producer threads for a tone and a one-colour video, and the checks on what arrives (RMS and pitch of
 * audio, colour and size of video frames). {@link #close()} stops every producer it started.
 */
public final class Media implements AutoCloseable {

    /** The colour of the test video (RGBA) and its BT.601 limited-range luma: 16 + 0.257 R + 0.504 G + 0.098 B. */
    public static final int RED = 200;
    public static final int GREEN = 60;
    public static final int BLUE = 40;
    public static final double LUMA = 101;

    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final List<Thread> producers = new CopyOnWriteArrayList<>();

    /** Writes a continuous tone (48 kHz mono, amplitude 8000) in 20 ms chunks to {@code track} while open. */
    public void tone(LocalAudioTrack track, double hz) {
        start("test-tone", () -> {
            short[] chunk = new short[960];
            long n = 0;
            while (producing.get()) {
                for (int i = 0; i < chunk.length; i++, n++) {
                    chunk[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * n / 48000.0));
                }
                track.source().write(chunk, 0, chunk.length);
            }
        });
    }

    /** Creates, feeds and publishes a 440 Hz tone. */
    public LocalTrackPublication publishTone(Room room) {
        LocalAudioTrack track = room.localParticipant().createAudioTrack("tone", AudioSourceOptions.of(48000, 1));
        tone(track, 440);
        return room.localParticipant().publishTrack(track, TrackPublishOptions.microphone());
    }

    /** Creates, feeds (one colour, 30 fps) and publishes a video track. */
    public LocalTrackPublication publishVideo(Room room, int width, int height) {
        LocalVideoTrack track = room.localParticipant().createVideoTrack("cam", VideoSourceOptions.of(width, height));
        start("test-video", () -> {
            ByteBuffer rgba = ByteBuffer.allocateDirect(width * height * 4);
            for (int i = 0; i < width * height; i++) {
                rgba.put((byte) RED).put((byte) GREEN).put((byte) BLUE).put((byte) 255);
            }
            rgba.flip();
            long ts = 0;
            while (producing.get()) {
                track.source().capture(rgba.duplicate(), PixelFormat.RGBA, width * 4, ts);
                ts += 33_333;
            }
        });
        return room.localParticipant().publishTrack(track, TrackPublishOptions.camera());
    }

    /** Starts a producer thread that runs until {@link #close()} (or until its room closes the source). */
    public void start(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException | RuntimeException e) {
                // the room closed the source, or the test ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
        producers.add(t);
    }

    /** A producer's loop. */
    @FunctionalInterface
    public interface Body {
        void run() throws InterruptedException;
    }

    @Override
    public void close() throws InterruptedException {
        producing.set(false);
        for (Thread t : producers) {
            t.join(2000);
        }
    }

    /** Whether producers should keep going. */
    public boolean producing() {
        return producing.get();
    }

    /** Reads one second of non-silent audio and returns {rms, estimated frequency in Hz}. */
    public static double[] measureTone(AudioStream stream) throws InterruptedException {
        int rate = stream.sampleRate();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int collected = 0;
        double sum = 0;
        // Pitch from sign changes with hysteresis, counted only inside loud frames: a concealed or comfort-noise
        // stretch (which a loaded machine produces now and then) would otherwise add spurious zero crossings.
        int transitions = 0;
        int loudSamples = 0;
        int state = 0;
        while (collected < rate && System.nanoTime() < end) {
            AudioFrame f = stream.poll(Duration.ofSeconds(1));
            if (f == null) {
                continue;
            }
            assertThat(f.sampleRate()).isEqualTo(rate);
            assertThat(f.channels()).isEqualTo(stream.channels());
            short[] d = f.data();
            double energy = 0;
            for (int i = 0; i < d.length; i += f.channels()) {
                energy += d[i] * (double) d[i];
            }
            int n = d.length / f.channels();
            double rms = Math.sqrt(energy / n);
            if (collected == 0 && rms < 300) {
                continue; // silence before the tone arrives
            }
            collected += n;
            sum += energy;
            if (rms < 300) {
                state = 0;  // a gap: the next loud frame starts counting afresh
                continue;
            }
            double threshold = 0.3 * rms;
            for (int i = 0; i < d.length; i += f.channels()) {
                int now = d[i] > threshold ? 1 : d[i] < -threshold ? -1 : 0;
                if (now != 0) {
                    if (state != 0 && now != state) {
                        transitions++;
                    }
                    state = now;
                }
            }
            loudSamples += n;
        }
        assertThat(collected).as("received audio samples").isGreaterThanOrEqualTo(rate);
        assertThat(loudSamples).as("samples of the tone (not silent)").isGreaterThanOrEqualTo(rate / 2);
        return new double[] {Math.sqrt(sum / collected), transitions / 2.0 / (loudSamples / (double) rate)};
    }

    /**
     * Reads {@code count} frames and checks each: the size, and the test colour in the centre.
     *
     * @return the frames read
     */
    public static int expectVideo(VideoStream stream, int width, int height, int count) throws InterruptedException {
        int frames = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (frames < count && System.nanoTime() < end) {
            try (VideoFrame f = stream.poll(Duration.ofSeconds(1))) {
                if (f == null) {
                    continue;
                }
                frames++;
                assertThat(f.width()).isEqualTo(width);
                assertThat(f.height()).isEqualTo(height);
                ByteBuffer y = f.dataY();
                long sum = 0;
                int cy = height / 2;
                int cx = width / 2;
                for (int row = cy - 20; row < cy + 20; row++) {
                    for (int col = cx - 20; col < cx + 20; col++) {
                        sum += y.get(row * f.strideY() + col) & 0xff;
                    }
                }
                assertThat(sum / 1600.0).as("luma of the centre").isBetween(LUMA - 15, LUMA + 15);
                int u = f.dataU().get(cy / 2 * f.strideU() + cx / 2) & 0xff;
                int v = f.dataV().get(cy / 2 * f.strideV() + cx / 2) & 0xff;
                assertThat(v).as("V of a red colour").isGreaterThan(160);
                assertThat(u).as("U of a red colour").isLessThan(120);
            }
        }
        assertThat(frames).as("decoded frames").isGreaterThanOrEqualTo(count);
        return frames;
    }
}
