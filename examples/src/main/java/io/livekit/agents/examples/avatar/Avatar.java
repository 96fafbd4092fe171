package io.livekit.agents.examples.avatar;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobRequest;
import io.livekit.agents.ParticipantInfo;
import io.livekit.agents.PublishedTracks;
import io.livekit.agents.PublisherHandler;
import io.livekit.agents.room.AudioSource;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.VideoSource;
import io.livekit.agents.room.VideoSourceOptions;
import org.slf4j.MDC;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The avatar agent: a {@link PublisherHandler} that answers everyone who publishes in a room with a talking face.
 *
 * <p>For each publisher (the "user") one job runs, and in it:
 * <ul>
 *   <li>the SDK publishes an audio and a video track for the avatar ({@link #prepareAudioTrack},
 *       {@link #prepareVideoTrack}); the video is paced by the audio's clock, so the two go out in sync;</li>
 *   <li>the job's thread talks: it writes the {@link Voice} into the audio source as fast as the source takes it
 *       (the source's 200 ms playout queue holds it back to real time), and after every 1/fps of audio renders the
 *       {@link Face} with the mouth opened as wide as that audio is loud, and captures the frame with the timestamp
 *       of that audio on the source's timeline, so the lips move with the voice on the receiver's screen;</li>
 *   <li>a listening thread reads the user's microphone and, when the user starts to speak, barges in: it clears
 *       the audio source, which also drops the queued video frames, and the avatar keeps quiet (mouth closed) until
 *       the user has been silent for a while, then starts a new phrase.</li>
 * </ul>
 *
 * <p>The {@link Events} tell what happens (the example prints them; the test records them).
 */
public final class Avatar implements PublisherHandler {

    /** The RMS level (of 32767) at which the mouth is drawn wide open. */
    static final double MOUTH_FULL_OPEN_RMS = 5000;

    private final Settings settings;
    private final Events events;
    /** The running jobs by job id: the job's thread and its listening thread share one. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /**
     * @param settings formats, voice and barge-in thresholds
     * @param events   told what happens, from the threads each method names
     */
    public Avatar(Settings settings, Events events) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * What the avatar reports. Every method has a no-op default; they must return quickly (most are called on
     * the avatar's media threads).
     */
    public interface Events {
        /** The avatar's tracks are published in the room and it starts talking to {@code user}. Job thread. */
        default void onStarted(JobContext ctx, String user) {
        }

        /** The avatar receives the user's microphone. Called on the room's event thread. */
        default void onListening(JobContext ctx, String user, String trackName) {
        }

        /** The avatar starts phrase number {@code number}, of {@code syllables} syllables. Job thread. */
        default void onPhrase(JobContext ctx, int number, int syllables) {
        }

        /**
         * The user started ({@code true}) or stopped speaking; {@code rms} is the level that decided. Listening
         * thread.
         */
        default void onUserSpeaking(JobContext ctx, boolean speaking, double rms) {
        }

        /**
         * The avatar stopped talking because the user spoke; {@code droppedMillis} of queued audio were dropped.
         * Listening thread.
         */
        default void onBargeIn(JobContext ctx, long droppedMillis) {
        }

        /** Periodic statistics of the avatar's tracks (every {@link Settings#statsEverySeconds()}). Job thread. */
        default void onStats(JobContext ctx, Stats stats) {
        }

        /** The job ends (the user left, or the worker stops); the last statistics. Job thread. */
        default void onStopped(JobContext ctx, Stats stats) {
        }
    }

    /**
     * A snapshot of the avatar's media, from the SDK's source statistics.
     *
     * @param audioSentMillis  audio handed to WebRTC so far, silence included (the audio clock)
     * @param underrunMillis   silence sent because the avatar wrote too slowly (should stay 0)
     * @param queuedMillis     audio written and not yet sent
     * @param framesCaptured   video frames the avatar rendered and captured
     * @param framesPushed     video frames sent to WebRTC (captured frames dropped by a barge-in are not)
     * @param bargeIns         how often the user interrupted the avatar
     */
    public record Stats(long audioSentMillis, long underrunMillis, long queuedMillis, long framesCaptured,
                        long framesPushed, long bargeIns) {
    }

    /**
     * The avatar's settings.
     *
     * @param sampleRate        audio sample rate (mono), a multiple of {@code fps}
     * @param width             video width, even
     * @param height            video height, even
     * @param fps               video frames per second
     * @param pitchHz           the voice's fundamental frequency
     * @param speechRms         the user's microphone level (RMS of 32767) counted as speech
     * @param quietMillis       how long the user must stay below {@code speechRms} before the avatar talks again
     * @param statsEverySeconds how often {@link Events#onStats} is called, in seconds of audio
     */
    public record Settings(int sampleRate, int width, int height, int fps, double pitchHz, double speechRms,
                           int quietMillis, int statsEverySeconds) {
        public Settings {
            if (fps <= 0 || sampleRate % fps != 0) {
                throw new IllegalArgumentException("the sample rate " + sampleRate + " must be a multiple of fps " + fps
                        + " (each video frame goes with a whole number of audio samples)");
            }
            if (speechRms <= 0 || quietMillis < 10 || statsEverySeconds <= 0) {
                throw new IllegalArgumentException(
                        "speechRms, quietMillis (>= 10) and statsEverySeconds must be positive");
            }
            // the SDK checks the formats themselves when the tracks are created
            AudioSourceOptions.of(sampleRate, 1);
            VideoSourceOptions.of(width, height);
        }

        /** 48 kHz audio, 320x240 video at 30 fps, a 220 Hz voice, barge-in above RMS 1000, 500 ms of quiet. */
        public static Settings defaults() {
            return new Settings(48_000, 320, 240, 30, 220, 1000, 500, 5);
        }
    }

    /** One job's state shared by its talking thread and its listening thread. */
    private static final class Session {
        final JobContext ctx;
        volatile AudioSource audio;           // once the avatar's tracks are published
        volatile boolean userSpeaking;
        final AtomicLong bargeIns = new AtomicLong();
        volatile AudioStream ears;

        Session(JobContext ctx) {
            this.ctx = ctx;
        }
    }

    /** The job's session, created by whichever of its threads comes first; forgotten when the job ends. */
    private Session session(JobContext ctx) {
        String id = ctx.job().id();
        Session created = new Session(ctx);
        Session existing = sessions.putIfAbsent(id, created);
        if (existing != null) {
            return existing;
        }
        ctx.addShutdownCallback(reason -> {
            sessions.remove(id);
            AudioStream ears = created.ears;
            if (ears != null) {
                ears.close();   // ends the listening thread
            }
        });
        return created;
    }

    /** Joins as {@code avatar-<user>}, named "Avatar". */
    @Override
    public JobDecision onJobRequest(JobRequest request) {
        String user = request.job().participant().map(ParticipantInfo::identity).orElse(request.jobId());
        return JobDecision.acceptBuilder().identity("avatar-" + user).name("Avatar").build();
    }

    /** Mono audio at the configured rate, with the default 200 ms playout queue. */
    @Override
    public Optional<AudioSourceOptions> prepareAudioTrack(JobContext ctx) {
        return Optional.of(AudioSourceOptions.of(settings.sampleRate(), 1));
    }

    /** Video of the configured size; the SDK paces it by the audio track's clock. */
    @Override
    public Optional<VideoSourceOptions> prepareVideoTrack(JobContext ctx) {
        return Optional.of(VideoSourceOptions.of(settings.width(), settings.height()));
    }

    /**
     * The user's microphone arrives: open a stream on it now (this is the room's event thread, which must not block)
     * and listen to it on a thread of our own.
     */
    @Override
    public void onTrackSubscribed(JobContext ctx, RemoteTrack track, RemoteTrackPublication publication,
                                  RemoteParticipant participant) {
        if (!(track instanceof RemoteAudioTrack) || !isUser(ctx, participant) || ctx.isCancelled()) {
            return;
        }
        Session s = session(ctx);
        AudioStream stream = ((RemoteAudioTrack) track).openStream(16_000, 1);   // 16 kHz is plenty to detect speech
        AudioStream previous = s.ears;
        s.ears = stream;
        if (previous != null) {
            previous.close();   // re-published: listen to the new track only
        }
        events.onListening(ctx, participant.identity(), publication.name());
        Thread t = new Thread(() -> listen(s, stream), "avatar-ears-" + ctx.job().id());
        t.setDaemon(true);
        t.start();
    }

    /** The user left: the conversation is over, so the job ends. */
    @Override
    public void onParticipantLeft(JobContext ctx, RemoteParticipant participant) {
        if (isUser(ctx, participant)) {
            ctx.shutdown("the user left");
        }
    }

    private static boolean isUser(JobContext ctx, RemoteParticipant participant) {
        return ctx.job().participant().map(p -> p.identity().equals(participant.identity())).orElse(false);
    }

    /** The job: talk until the job ends, keeping quiet while the user speaks. Runs on the job's thread. */
    @Override
    public void onPublisherJob(JobContext ctx, Room room, RemoteParticipant user, PublishedTracks tracks)
            throws Exception {
        AudioSource audio = tracks.audioSource().orElseThrow();
        VideoSource video = tracks.videoSource().orElseThrow();
        Session s = session(ctx);
        s.audio = audio;
        events.onStarted(ctx, user.identity());

        int samplesPerFrame = settings.sampleRate() / settings.fps();   // the audio that goes with one video frame
        short[] chunk = new short[samplesPerFrame];
        Face face = new Face(settings.width(), settings.height());
        ByteBuffer frame = face.newFrame();                            // rendered into again and again
        Voice voice = new Voice(settings.sampleRate(), settings.pitchHz(), ctx.job().id().hashCode());
        long written = 0;          // samples accepted by the source: the content timeline video timestamps refer to
        long captured = 0;
        long nextStats = (long) settings.statsEverySeconds() * settings.sampleRate();
        int phrase = 0;
        boolean listening = false;
        try {
            while (!ctx.isCancelled()) {
                long generation = s.bargeIns.get();
                if (s.userSpeaking) {
                    listening = true;
                    Arrays.fill(chunk, (short) 0);                    // keep quiet, mouth closed
                } else {
                    if (listening) {
                        listening = false;
                        voice.startPhrase();                          // after an interruption, start over
                    }
                    voice.next(chunk, 0, chunk.length);
                    if (voice.phrases() != phrase) {
                        phrase = voice.phrases();
                        events.onPhrase(ctx, phrase, voice.phraseSyllables());
                    }
                }
                // blocks while the playout queue is full: this is what paces the loop to real time
                long timestampMicros = written * 1_000_000L / settings.sampleRate();
                int accepted = audio.write(chunk, 0, chunk.length);
                written += accepted;
                if (accepted < chunk.length || generation != s.bargeIns.get()) {
                    continue;   // a barge-in cleared this audio: its picture must not be shown either
                }
                // the frame shows the mouth as open as this chunk is loud, at this chunk's place on the timeline
                face.render(frame, rms(chunk, chunk.length) / MOUTH_FULL_OPEN_RMS, timestampMicros);
                video.capture(frame, PixelFormat.RGBA, face.stride(), timestampMicros);
                captured++;
                if (written >= nextStats) {
                    nextStats += (long) settings.statsEverySeconds() * settings.sampleRate();
                    events.onStats(ctx, stats(audio, video, captured, s));
                }
            }
        } catch (AgentException e) {
            if (!ctx.isCancelled()) {
                throw e;   // a real failure; when the job is cancelled the room closes the sources under us
            }
        } finally {
            events.onStopped(ctx, stats(audio, video, captured, s));
        }
    }

    private Stats stats(AudioSource audio, VideoSource video, long captured, Session s) {
        int rate = audio.sampleRate();
        return new Stats(audio.emittedSamples() * 1000 / rate, audio.underrunSamples() * 1000 / rate,
                audio.queuedMillis(), captured, video.framesPushed(), s.bargeIns.get());
    }

    /**
     * The listening thread: a simple voice activity detector on the user's microphone, in 10 ms frames. Loud for
     * 30 ms: the user speaks, barge in. Quiet for {@link Settings#quietMillis()}: the user is done.
     */
    private void listen(Session s, AudioStream stream) {
        MDC.setContextMap(s.ctx.loggingContext());
        short[] pcm = new short[stream.sampleRate() / 100];
        int loudFrames = 0;
        int quietFrames = 0;
        try {
            while (stream.read(pcm) > 0) {
                double level = rms(pcm, pcm.length);
                if (level >= settings.speechRms()) {
                    loudFrames++;
                    quietFrames = 0;
                } else {
                    quietFrames++;
                    loudFrames = 0;
                }
                if (!s.userSpeaking && loudFrames == 3) {
                    s.userSpeaking = true;
                    events.onUserSpeaking(s.ctx, true, level);
                    bargeIn(s);
                } else if (s.userSpeaking && quietFrames * 10 >= settings.quietMillis()) {
                    s.userSpeaking = false;
                    events.onUserSpeaking(s.ctx, false, level);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Barge-in: drop the avatar's queued audio (and with it the queued video, as the audio paces the video). */
    private void bargeIn(Session s) {
        AudioSource audio = s.audio;
        if (audio == null) {
            return;   // not talking yet
        }
        long dropped = audio.queuedMillis();
        s.bargeIns.incrementAndGet();   // first, so the talking thread sees that what it just wrote is gone
        audio.clear();
        events.onBargeIn(s.ctx, dropped);
    }

    /** Root mean square of {@code n} samples. */
    static double rms(short[] pcm, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += pcm[i] * (double) pcm[i];
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }
}
