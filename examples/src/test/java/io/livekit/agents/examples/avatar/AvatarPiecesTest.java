package io.livekit.agents.examples.avatar;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/** The avatar's pieces without a network: the voice, the face, the settings and the command line. */
class AvatarPiecesTest {

    @Test
    void theVoiceSpeaksSyllablesAtItsPitchWithPauses() {
        Voice voice = new Voice(Recording.RATE, 220, 7);
        short[] pcm = new short[Recording.RATE * 6];
        // in odd chunk sizes, as a producer might ask for it
        for (int at = 0; at < pcm.length; at += 777) {
            voice.next(pcm, at, Math.min(777, pcm.length - at));
        }
        Recording rec = new Recording(new Face(320, 240));
        short[] frame = new short[Recording.FRAME];
        for (int at = 0; at < pcm.length; at += Recording.FRAME) {
            System.arraycopy(pcm, at, frame, 0, Recording.FRAME);
            rec.onAudio(frame, at);
        }
        List<Recording.Audio> frames = rec.audio(0, Long.MAX_VALUE);
        long voiced = frames.stream().filter(a -> a.rms() >= Viewer.SILENCE_RMS).count();
        assertThat(rec.pitchHz(frames, 2000)).isBetween(218.0, 222.0);
        assertThat(voiced).isBetween(frames.size() / 5L, frames.size() * 4L / 5);
        assertThat(Recording.syllables(frames)).isBetween(10, 25);
        assertThat(voice.phrases()).isGreaterThanOrEqualTo(2);
        assertThat(frames.stream().mapToDouble(Recording.Audio::rms).max().orElse(0)).isBetween(5000.0, 7000.0);

        // the same seed says the same thing
        Voice again = new Voice(Recording.RATE, 220, 7);
        short[] copy = new short[pcm.length];
        again.next(copy, 0, copy.length);
        assertThat(copy).isEqualTo(pcm);
    }

    @Test
    void aNewPhraseStartsWithASyllable() {
        Voice voice = new Voice(Recording.RATE, 220, 1);
        short[] pcm = new short[Recording.RATE];
        voice.next(pcm, 0, pcm.length);
        int phrases = voice.phrases();
        voice.startPhrase();
        assertThat(voice.phrases()).isEqualTo(phrases + 1);
        short[] start = new short[Recording.RATE / 10];
        voice.next(start, 0, start.length);
        assertThat(Avatar.rms(start, start.length)).as("the first 100 ms of a new phrase are voiced")
                .isGreaterThan(1000);
    }

    @Test
    void theMouthOpensAsWideAsAskedAndTheEyesBlink() {
        Face face = new Face(320, 240);
        Recording rec = new Recording(face);
        ByteBuffer frame = face.newFrame();
        double previous = -1;
        for (double open : new double[] {0, 0.25, 0.5, 0.75, 1}) {
            face.render(frame, open, 1_000_000);
            double measured = rec.mouthOpening(luma(frame, face), face.width());
            assertThat(measured).as("measured opening for %.2f", open).isCloseTo(Math.max(open, 0.06),
                    offset(0.08));
            assertThat(measured).isGreaterThan(previous);
            previous = measured;
        }
        // a closed mouth is a line, not nothing; openness outside 0..1 is clamped
        face.render(frame, -3, 1_000_000);
        double closed = rec.mouthOpening(luma(frame, face), face.width());
        assertThat(closed).isGreaterThan(0).isLessThan(0.1);
        face.render(frame, 7, 1_000_000);
        assertThat(rec.mouthOpening(luma(frame, face), face.width())).isCloseTo(1.0,
                offset(0.08));

        // eyes open at 1 s, shut at 4 s (a blink every 4 s); the frame buffer's position and limit are untouched
        face.render(frame, 0, 1_000_000);
        byte[] open = bytes(frame);
        face.render(frame, 0, 2_000_000);
        assertThat(bytes(frame)).isEqualTo(open);
        face.render(frame, 0, 4_050_000);
        assertThat(bytes(frame)).isNotEqualTo(open);
        assertThat(frame.position()).isZero();
        assertThat(frame.limit()).isEqualTo(320 * 240 * 4);
    }

    @Test
    void renderingAndSpeakingAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Face face = new Face(320, 240);
        ByteBuffer frame = face.newFrame();
        Voice voice = new Voice(48_000, 220, 3);
        short[] chunk = new short[1600];
        for (int i = 0; i < 200; i++) {   // warm up
            voice.next(chunk, 0, chunk.length);
            face.render(frame, Avatar.rms(chunk, chunk.length) / Avatar.MOUTH_FULL_OPEN_RMS, i * 33_333L);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1000; i++) {
            voice.next(chunk, 0, chunk.length);
            face.render(frame, Avatar.rms(chunk, chunk.length) / Avatar.MOUTH_FULL_OPEN_RMS, i * 33_333L);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertThat(allocated).as("bytes allocated for 1000 frames of voice and face").isLessThan(16 * 1024);
    }

    @Test
    void settingsAreChecked() {
        assertThat(Avatar.Settings.defaults().sampleRate() % Avatar.Settings.defaults().fps()).isZero();
        assertThatThrownBy(() -> new Avatar.Settings(48_000, 320, 240, 7, 220, 1000, 500, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of fps");
        assertThatThrownBy(() -> new Avatar.Settings(48_000, 321, 240, 30, 220, 1000, 500, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("even");
        assertThatThrownBy(() -> new Avatar.Settings(48_000, 320, 240, 30, 220, 0, 500, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("speechRms");
    }

    @Test
    void aBadCommandLineIsRefusedWithUsage() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertThat(AvatarPublisherExample.run(new String[] {"--seconds", "3"}, out, Map.of())).isEqualTo(2);
            assertThat(AvatarPublisherExample.run(new String[] {"--seconds", "ten"}, out, Map.of())).isEqualTo(2);
            assertThat(AvatarPublisherExample.run(new String[] {"--frobnicate"}, out, Map.of())).isEqualTo(2);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--seconds must be a whole number >= 8",
                "AvatarPublisherExample [--seconds N]");
    }

    private static byte[] bytes(ByteBuffer frame) {
        byte[] b = new byte[frame.capacity()];
        frame.get(0, b);
        return b;
    }

    /** The BT.601 limited-range luma plane of an RGBA frame, as a receiver's decoder would produce it. */
    private static ByteBuffer luma(ByteBuffer rgba, Face face) {
        ByteBuffer y = ByteBuffer.allocate(face.width() * face.height());
        for (int i = 0; i < face.width() * face.height(); i++) {
            int r = rgba.get(i * 4) & 0xff;
            int g = rgba.get(i * 4 + 1) & 0xff;
            int b = rgba.get(i * 4 + 2) & 0xff;
            y.put(i, (byte) Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b));
        }
        return y;
    }
}
