package io.livekit.agents.examples.avatar;

import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.devserver.DevServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The avatar example end to end on the embedded dev server, with real peer connections (inside the test run's network
 * namespace): what the simulated user hears and sees of the avatar, checked on the user's side.
 *
 * <ul>
 *   <li>the avatar's voice arrives non-silent, at its pitch, in syllables;</li>
 *   <li>its video arrives at its size, and the mouth is open when the voice is loud: the mouth's opening follows the
 *       audio level, with the best match within a small A/V offset;</li>
 *   <li>when the user speaks, the avatar's audio stops within a bounded time and stays silent (mouth closed) while
 *       the user speaks, and the avatar talks again afterwards;</li>
 *   <li>the example's {@code main} runs the whole demo and exits with status 0.</li>
 * </ul>
 * No assertion is about speed: the bounds only say that lips and voice belong together and that barge-in works.
 */
@Tag("webrtc")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AvatarPublisherTest {

    /**
     * The largest A/V offset accepted between the mouth's movement and the voice as the user receives them. The
     * avatar sends them in sync, but on the way the audio waits in two jitter buffers (the dev server's, which
     * decodes and re-encodes what it forwards, and the user's) and the video hardly at all, and the dev server
     * forwards each track as its own stream, so the receiver does not re-align them: the user hears the voice about
     * 100-200 ms after seeing the mouth move.
     */
    private static final long MAX_AV_OFFSET_MS = 250;
    /** At the measured offset, how close in time loud audio must be to an open-mouth frame. */
    private static final long COINCIDENCE_MS = 50;
    /** How soon after the user starts speaking the avatar's audio must have stopped arriving. */
    private static final long BARGE_IN_BOUND_MS = 1500;
    /** 10 ms frames louder than this are the loud middle of a syllable. */
    private static final double LOUD_RMS = 2000;

    private DevServer server;
    private Worker worker;
    private SimulatedUser user;

    @AfterEach
    void tearDown() {
        if (user != null) {
            user.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** WebRTC tests run inside a network namespace (surefire's webrtc-in-netns execution sets LK_NETNS). */
    private static String bindHost() {
        String ns = System.getenv("LK_NETNS");
        if (ns == null || ns.isEmpty()) {
            throw new IllegalStateException("this test carries WebRTC media and must run inside a network namespace:"
                    + " run it through 'mvn verify' (surefire's webrtc-in-netns execution) or scripts/netns/exec");
        }
        String a = System.getenv("LK_NETNS_ADDR_A");
        return a == null || a.isEmpty() ? "10.233.0.1" : a;
    }

    @Test
    void theUserHearsAndSeesTheAvatarInSyncAndInterruptsIt() throws Exception {
        Avatar.Settings settings = Avatar.Settings.defaults();
        Face face = new Face(settings.width(), settings.height());
        Recording rec = new Recording(face);
        server = DevServer.builder().bind(bindHost()).port(0).build().start();
        worker = Worker.create(WorkerOptions.builder().url(server.url()).apiKey(server.apiKey())
                .apiSecret(server.apiSecret()).build(), new Avatar(settings, rec));
        worker.start();
        assertThat(worker.awaitReady(Duration.ofSeconds(20))).as("the worker registered").isTrue();

        user = SimulatedUser.join(server.url(),
                server.participantToken("avatar-test", "user"),
                new Viewer(msg -> { }, rec));

        // 1. the avatar talks: listen for 6 s from its first syllable on
        await("the avatar's voice reaches the user", Duration.ofSeconds(30), () -> rec.firstLouder(LOUD_RMS, 0) > 0);
        long talkFrom = rec.firstLouder(LOUD_RMS, 0);
        Thread.sleep(6000);
        long talkTo = System.nanoTime();
        List<Recording.Audio> heard = rec.audio(talkFrom, talkTo);
        List<Recording.Video> seen = rec.video(talkFrom, talkTo);

        // 2. the user speaks for 3 s
        long speakFrom = System.nanoTime();
        user.speak(true);
        Thread.sleep(3000);
        long speakTo = System.nanoTime();
        user.speak(false);

        // 3. the avatar talks again
        await("the avatar talks again after the user stopped", Duration.ofSeconds(30),
                () -> rec.firstLouder(LOUD_RMS, speakTo) > 0);

        checkVoice(rec, heard);
        checkVideoFollowsVoice(settings, heard, seen);
        checkBargeIn(rec, speakFrom, speakTo);
    }

    /** Non-silent, at the voice's pitch and level, in syllables separated by silence. */
    private static void checkVoice(Recording rec, List<Recording.Audio> heard) {
        assertThat(heard).as("10 ms audio frames received in 6 s").hasSizeGreaterThan(300);
        long voiced = heard.stream().filter(a -> a.rms() >= Viewer.SILENCE_RMS).count();
        double maxRms = heard.stream().mapToDouble(Recording.Audio::rms).max().orElse(0);
        double pitch = rec.pitchHz(heard, LOUD_RMS);
        int syllables = Recording.syllables(heard);
        System.out.printf("voice: %d frames, %.0f%% voiced, peak RMS %.0f, pitch %.1f Hz, %d syllables%n",
                heard.size(), 100.0 * voiced / heard.size(), maxRms, pitch, syllables);
        assertThat(voiced).as("voiced frames: the avatar talks, with pauses")
                .isBetween(heard.size() / 5L, heard.size() * 4L / 5);
        assertThat(maxRms).as("the voice's peak level (RMS of a 10 ms frame)").isBetween(3500.0, 9000.0);
        assertThat(pitch).as("the voice's pitch").isBetween(Avatar.Settings.defaults().pitchHz() * 0.96,
                Avatar.Settings.defaults().pitchHz() * 1.04);
        // syllables last 140..260 ms with gaps of at least 50 ms: about 2.4 per second of speech
        assertThat(syllables).as("syllables heard in 6 s").isBetween(6, 30);
    }

    /** Frames at the right size; the mouth opens with loud audio and closes in the pauses, within a small offset. */
    private static void checkVideoFollowsVoice(Avatar.Settings settings, List<Recording.Audio> heard,
                                               List<Recording.Video> seen) {
        assertThat(seen).as("video frames received in 6 s").hasSizeGreaterThan(60);
        assertThat(seen).allSatisfy(v -> {
            assertThat(v.width()).isEqualTo(settings.width());
            assertThat(v.height()).isEqualTo(settings.height());
        });
        long open = seen.stream().filter(v -> v.openness() > 0.5).count();
        long closed = seen.stream().filter(v -> v.openness() < 0.15).count();
        assertThat(open).as("frames with the mouth open").isGreaterThan(10);
        assertThat(closed).as("frames with the mouth closed").isGreaterThan(10);

        // the A/V offset as the user receives it: the lag at which the mouth best follows the voice's level
        long bestLagMs = 0;
        double best = -2;
        for (long lagMs = -400; lagMs <= 400; lagMs += 10) {
            double c = Recording.correlation(seen, heard, TimeUnit.MILLISECONDS.toNanos(lagMs));
            if (c > best) {
                best = c;
                bestLagMs = lagMs;
            }
        }
        // at that offset, open-mouth frames go with loud audio and closed-mouth frames with quiet audio
        long lag = TimeUnit.MILLISECONDS.toNanos(bestLagMs);
        long near = TimeUnit.MILLISECONDS.toNanos(COINCIDENCE_MS);
        long openAndLoud = seen.stream().filter(v -> v.openness() > 0.5)
                .filter(v -> Recording.loudNear(heard, v.nanos() + lag, near, LOUD_RMS)).count();
        long closedAndQuiet = seen.stream().filter(v -> v.openness() < 0.15)
                .filter(v -> Recording.levelAt(heard, v.nanos() + lag) < LOUD_RMS).count();
        System.out.printf("video: %d frames, %d open, %d closed; the mouth follows the voice best (correlation %.2f)"
                        + " with the audio heard %+d ms after the frame; there, %d of %d open frames have loud audio"
                        + " within %d ms and %d of %d closed frames quiet audio%n", seen.size(), open, closed, best,
                bestLagMs, openAndLoud, open, COINCIDENCE_MS, closedAndQuiet, closed);
        assertThat(best).as("correlation of the mouth's opening with the voice's level").isGreaterThan(0.5);
        assertThat(Math.abs(bestLagMs)).as("A/V offset (ms) at the best match").isLessThanOrEqualTo(MAX_AV_OFFSET_MS);
        assertThat(openAndLoud).as("open-mouth frames with loud audio").isGreaterThanOrEqualTo(open * 9 / 10);
        assertThat(closedAndQuiet).as("closed-mouth frames with quiet audio").isGreaterThanOrEqualTo(closed * 8 / 10);
    }

    /** The avatar stopped talking soon after the user started, kept quiet while the user spoke, mouth closed. */
    private static void checkBargeIn(Recording rec, long speakFrom, long speakTo) {
        assertThat(rec.bargeInNanos).as("the avatar barged in once").hasSize(1);
        List<Recording.Audio> before = rec.audio(speakFrom - TimeUnit.SECONDS.toNanos(2), speakFrom);
        assertThat(before.stream().filter(a -> a.rms() >= LOUD_RMS).count())
                .as("the avatar was talking before the user spoke").isGreaterThan(5);

        List<Recording.Audio> during = rec.audio(speakFrom, speakTo);
        // when the user started in one of the avatar's pauses, no voiced audio arrives after it at all: 0 ms
        long lastVoiced = during.stream().filter(a -> a.rms() >= Viewer.SILENCE_RMS).mapToLong(Recording.Audio::nanos)
                .max().orElse(speakFrom);
        long stoppedAfterMs = TimeUnit.NANOSECONDS.toMillis(lastVoiced - speakFrom);
        long bound = speakFrom + TimeUnit.MILLISECONDS.toNanos(BARGE_IN_BOUND_MS);
        List<Recording.Audio> quiet = rec.audio(bound, speakTo);
        List<Recording.Video> closedMouth = rec.video(bound, speakTo);
        System.out.printf("barge-in: the avatar heard the user after %d ms; its last voiced audio arrived %d ms"
                        + " after the user started (0: none); then %d silent audio frames and %d video frames while"
                        + " the user spoke%n", TimeUnit.NANOSECONDS.toMillis(rec.bargeInNanos.get(0) - speakFrom),
                stoppedAfterMs, quiet.size(), closedMouth.size());
        assertThat(stoppedAfterMs).as("ms until the avatar's audio stopped").isLessThanOrEqualTo(BARGE_IN_BOUND_MS);
        assertThat(quiet).as("audio keeps arriving (silence) while the user speaks").hasSizeGreaterThan(100);
        assertThat(quiet).allSatisfy(a -> assertThat(a.rms()).isLessThan(Viewer.SILENCE_RMS));
        assertThat(closedMouth).as("video keeps arriving while the user speaks").hasSizeGreaterThan(15);
        assertThat(closedMouth).allSatisfy(v -> assertThat(v.openness()).as("mouth opening").isLessThan(0.15));
    }

    @Test
    void theExampleRunsTheWholeDemoAndExitsWithZero() throws Exception {
        bindHost();   // inside the namespace: the example's peer connections use its veth addresses
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = AvatarPublisherExample.run(new String[] {"--seconds", "10"}, out, Map.of());
        }
        String console = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(console);
        assertThat(status).as("exit status; console:%n%s", console).isZero();
        assertThat(console).contains("subscribed to user's track 'microphone'", "says phrase 1",
                "hears the user speaking", "barge-in: stops talking", "back to talking", "ended: SUCCESS",
                "the user saw and heard the avatar");
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
