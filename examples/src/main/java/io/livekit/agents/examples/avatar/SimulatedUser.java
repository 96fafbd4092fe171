package io.livekit.agents.examples.avatar;

import io.livekit.agents.room.AudioSource;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import io.livekit.agents.room.TrackPublishOptions;


/**
 * A person in the room, simulated: joins with a room token, publishes a microphone track (which is what starts the
 * avatar's publisher job) and feeds it with silence, or with a speech-like signal while {@linkplain #speak speaking}.
 * The microphone's "voice" is a 150 Hz buzz whose loudness wobbles four times a second, like syllables.
 *
 * <p>Used by the example on the embedded dev server; against a real deployment a person joins from a browser or an
 * app instead.
 */
public final class SimulatedUser implements AutoCloseable {

    /** The microphone track's name. */
    public static final String MIC_TRACK = "microphone";
    /** The simulated voice's fundamental frequency. */
    public static final double PITCH_HZ = 150;

    private static final int RATE = 48_000;

    private final Room room;
    private final LocalAudioTrack mic;
    private final Thread micThread;
    private volatile boolean speaking;
    private volatile boolean closed;

    private SimulatedUser(Room room, LocalAudioTrack mic) {
        this.room = room;
        this.mic = mic;
        this.micThread = new Thread(this::feedMicrophone, "user-microphone");
        this.micThread.setDaemon(true);
    }

    /**
     * Joins the room, publishes the microphone and starts feeding it (silence until {@link #speak}).
     *
     * @param url      the server ({@code ws://...})
     * @param token    a room token, e.g. {@code DevServer.participantToken(room, identity)} on the embedded server;
     *                 against a real deployment your backend mints user tokens with a LiveKit server SDK
     * @param listener sees the room's events from the first one on (the user's eyes and ears)
     */
    public static SimulatedUser join(String url, String token, RoomListener listener) {
        Room room = Room.connect(url, token, RoomOptions.builder().addListener(listener).build());
        try {
            // a microphone has almost no queue: 40 ms, so that speech starts the moment the user speaks
            LocalAudioTrack mic = room.localParticipant().createAudioTrack(MIC_TRACK,
                    new AudioSourceOptions(RATE, 1, 40));
            SimulatedUser user = new SimulatedUser(room, mic);
            user.micThread.start();
            room.localParticipant().publishTrack(mic, TrackPublishOptions.microphone());
            return user;
        } catch (RuntimeException e) {
            room.disconnect();
            throw e;
        }
    }

    /** The user's connected room. */
    public Room room() {
        return room;
    }

    /** Starts ({@code true}) or stops speaking into the microphone. */
    public void speak(boolean on) {
        speaking = on;
    }

    /** Whether the user is speaking. */
    public boolean isSpeaking() {
        return speaking;
    }

    /** The microphone thread: 20 ms at a time, paced by the source's short queue. */
    private void feedMicrophone() {
        AudioSource source = mic.source();
        short[] chunk = new short[RATE / 50];
        long n = 0;
        try {
            while (!closed) {
                boolean on = speaking;
                for (int i = 0; i < chunk.length; i++, n++) {
                    double t = n / (double) RATE;
                    double loudness = 0.7 + 0.3 * Math.sin(2 * Math.PI * 4 * t);
                    double buzz = Math.sin(2 * Math.PI * PITCH_HZ * t) + 0.3 * Math.sin(2 * Math.PI * 2 * PITCH_HZ * t);
                    chunk[i] = on ? (short) (6000 * loudness * buzz) : 0;
                }
                source.write(chunk, 0, chunk.length);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the room closed the track: the user left
        }
    }

    /** Leaves the room (the avatar's job then ends). */
    @Override
    public void close() {
        closed = true;
        room.disconnect();
        try {
            micThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
