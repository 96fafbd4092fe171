package io.livekit.agents.examples.avatar;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobStatus;
import io.livekit.agents.ServerInfo;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerListener;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.devserver.DevServer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flagship example: an avatar agent that answers a user with a talking face, lips in sync with its voice, and
 * stops talking when the user speaks (barge-in).
 *
 * <p>What runs, all in this process:
 * <ol>
 *   <li>the embedded dev server (a LiveKit-compatible server on a free loopback port);</li>
 *   <li>a worker whose {@link Avatar} handler takes the publisher jobs: one per participant that publishes;</li>
 *   <li>a {@link SimulatedUser} that joins room {@code avatar-demo} and publishes its microphone, which starts the
 *       avatar's job. The avatar joins, publishes an audio track (a synthetic {@link Voice}) and a video track (a
 *       {@link Face} whose mouth follows the voice), paced together by the audio clock;</li>
 *   <li>about halfway through, the user speaks for 2.5 s: the avatar hears it, clears its queued audio and video
 *       and keeps quiet, then starts a new phrase once the user is quiet again;</li>
 *   <li>after {@code --seconds} (default 15) the user leaves, the avatar's job ends, the worker drains and the
 *       server stops. The exit status is 0 when the user saw and heard the avatar and the barge-in happened.</li>
 * </ol>
 * The console shows each step: who joined, subscriptions, the avatar's phrases, the user speaking, the barge-in,
 * and the media statistics of both sides.
 *
 * <h2>Running it</h2>
 * <pre>
 * mvn -B -ntp -q install -DskipTests        # once
 * mvn -pl examples exec:java -Dexec.mainClass=io.livekit.agents.examples.avatar.AvatarPublisherExample \
 *     -Dexec.args="--seconds 20"
 * </pre>
 * WebRTC needs a network interface other than loopback: libwebrtc ignores loopback when it gathers ICE candidates.
 * On a normal machine the peer connections use the host's own address (the signalling stays on 127.0.0.1). This
 * project's tests keep all traffic inside a network namespace instead; to do the same by hand, as root:
 * {@code scripts/netns/exec -- mvn -o -pl examples exec:java -Dexec.mainClass=...} (dependencies resolved before,
 * as the namespace has no route out).
 *
 * <h2>Against a real LiveKit server</h2>
 * With {@code LIVEKIT_URL}, {@code LIVEKIT_API_KEY} and {@code LIVEKIT_API_SECRET} in the environment (a self-hosted
 * server or LiveKit Cloud), the example starts no dev server and no simulated user: it registers the avatar with that
 * server for automatic dispatch (or under {@code LIVEKIT_AGENT_NAME}, for explicit dispatch) and runs for
 * {@code --seconds}. Join any room from a LiveKit client and turn on your microphone: the avatar joins and talks, and
 * stops when you speak.
 */
public final class AvatarPublisherExample {

    /** The room the simulated user joins on the embedded server. */
    public static final String ROOM = "avatar-demo";
    /** The simulated user's identity. */
    public static final String USER = "user";
    /** How long the user speaks to interrupt the avatar. */
    static final Duration USER_SPEAKS_FOR = Duration.ofMillis(2500);

    private static final int DEFAULT_SECONDS = 15;
    private static final int MIN_SECONDS = 8;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private AvatarPublisherExample() {
    }

    /** Entry point: {@code [--seconds N]}; exits with status 1 if the demo did not go as described. */
    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.getenv());
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the example.
     *
     * @param args the command line
     * @param out  where the console lines go
     * @param env  the environment ({@code LIVEKIT_URL} and the keys select a real server)
     * @return the exit status: 0 on success, 1 if something went wrong, 2 for a bad command line
     */
    static int run(String[] args, PrintStream out, Map<String, String> env) throws Exception {
        Console console = new Console(out);
        int seconds = DEFAULT_SECONDS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds") && i + 1 < args.length) {
                try {
                    seconds = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
            } else {
                console.say("usage", "AvatarPublisherExample [--seconds N]   (N >= %d, default %d)", MIN_SECONDS,
                        DEFAULT_SECONDS);
                return 2;
            }
        }
        if (seconds < MIN_SECONDS) {
            console.say("usage", "--seconds must be a whole number >= %d (the demo needs time for a barge-in)",
                    MIN_SECONDS);
            return 2;
        }
        String url = env.get(WorkerOptions.ENV_URL);
        if (url != null && !url.isBlank()) {
            return runAgainstServer(console, seconds, env);
        }
        return runEmbedded(console, seconds);
    }

    /** The whole demo in this process: dev server, avatar worker, simulated user. */
    private static int runEmbedded(Console console, int seconds) throws Exception {
        try (DevServer server = DevServer.builder().port(0).build().start()) {
            console.say("server", "dev server listening on %s", server.url());
            ConsoleEvents events = new ConsoleEvents(console);
            Worker worker = Worker.create(WorkerOptions.builder()
                    .url(server.url()).apiKey(server.apiKey()).apiSecret(server.apiSecret())
                    .build(), new Avatar(Avatar.Settings.defaults(), events));
            worker.addListener(events);
            worker.start();
            try {
                if (!worker.awaitReady(Duration.ofSeconds(20))) {
                    console.say("worker", "did not register in time");
                    return 1;
                }
                return converse(console, events, server, seconds);
            } finally {
                console.say("worker", "stopping (drain)");
                worker.stop();
                worker.awaitTermination(Duration.ofSeconds(20));
            }
        }
    }

    /** The user joins, listens, interrupts the avatar once, and leaves after {@code seconds}. */
    private static int converse(Console console, ConsoleEvents events, DevServer server, int seconds)
            throws InterruptedException {
        Viewer viewer = new Viewer(msg -> console.say("user", "%s", msg), new Viewer.Sink() { });
        long start = System.nanoTime();
        long speakAt = start + TimeUnit.SECONDS.toNanos(seconds) * 45 / 100;
        long quietAt = speakAt + USER_SPEAKS_FOR.toNanos();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long nextSummary = start + TimeUnit.SECONDS.toNanos(5);
        try (SimulatedUser user = SimulatedUser.join(server.url(),
                server.participantToken(ROOM, USER), viewer)) {
            console.say("user", "joined room '%s' and publishes a microphone (silent for now)", ROOM);
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (!user.isSpeaking() && now >= speakAt && now < quietAt) {
                    user.speak(true);
                    console.say("user", "starts speaking (a %.0f Hz voice) to interrupt the avatar",
                            SimulatedUser.PITCH_HZ);
                } else if (user.isSpeaking() && now >= quietAt) {
                    user.speak(false);
                    console.say("user", "stops speaking");
                }
                if (now >= nextSummary) {
                    nextSummary += TimeUnit.SECONDS.toNanos(5);
                    console.say("user", "%s", viewer.summary());
                }
                Thread.sleep(20);
            }
            console.say("user", "%s", viewer.summary());
            console.say("user", "leaves the room");
        }
        if (!events.jobEnded.await(15, TimeUnit.SECONDS)) {
            console.say("avatar", "the job did not end after the user left");
            return 1;
        }
        boolean ok = events.started.get() && events.bargeIns.get() > 0 && viewer.videoFrames() > 0
                && viewer.voicedSeconds() > 0;
        console.say("result", ok ? "the user saw and heard the avatar, and interrupted it once"
                : "something went wrong: avatar started=%s, barge-ins=%d, video frames seen=%d, voiced audio=%.1f s",
                events.started.get(), events.bargeIns.get(), viewer.videoFrames(), viewer.voicedSeconds());
        return ok ? 0 : 1;
    }

    /** Only the worker, registered with a real LiveKit server; people join from their own clients. */
    private static int runAgainstServer(Console console, int seconds, Map<String, String> env) throws Exception {
        ConsoleEvents events = new ConsoleEvents(console);
        try (Worker worker = Worker.create(WorkerOptions.builder().fromEnv(env).build(),
                new Avatar(Avatar.Settings.defaults(), events))) {
            worker.addListener(events);
            worker.start();
            if (!worker.awaitReady(Duration.ofSeconds(20))) {
                console.say("worker", "did not register with %s in time", env.get(WorkerOptions.ENV_URL));
                return 1;
            }
            console.say("worker", "waiting %d s for someone to publish in a room of %s", seconds,
                    env.get(WorkerOptions.ENV_URL));
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            console.say("worker", "stopping (drain)");
            worker.stop();
            worker.awaitTermination(Duration.ofSeconds(30));
            return 0;
        }
    }

    /** Prints the worker's and the avatar's events. */
    private static final class ConsoleEvents implements WorkerListener, Avatar.Events {
        final Console console;
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicLong bargeIns = new AtomicLong();
        final CountDownLatch jobEnded = new CountDownLatch(1);

        ConsoleEvents(Console console) {
            this.console = console;
        }

        @Override
        public void onRegistered(String workerId, ServerInfo server) {
            console.say("worker", "registered as %s for publisher jobs (server %s)", workerId, server.version());
        }

        @Override
        public void onJobAccepted(JobInfo job, String identity) {
            console.say("worker", "accepted job %s for '%s': joins as '%s'", job.id(),
                    job.participant().map(p -> p.identity()).orElse("?"), identity);
        }

        @Override
        public void onJobEnded(JobInfo job, JobStatus status, String error) {
            console.say("worker", "job %s ended: %s%s", job.id(), status, error.isEmpty() ? "" : " (" + error + ")");
            jobEnded.countDown();
        }

        @Override
        public void onStarted(JobContext ctx, String user) {
            started.set(true);
            console.say("avatar", "publishes its voice and face to '%s' (video paced by the audio clock)", user);
        }

        @Override
        public void onListening(JobContext ctx, String user, String trackName) {
            console.say("avatar", "subscribed to %s's track '%s': listening", user, trackName);
        }

        @Override
        public void onPhrase(JobContext ctx, int number, int syllables) {
            console.say("avatar", "says phrase %d (%d syllables)", number, syllables);
        }

        @Override
        public void onUserSpeaking(JobContext ctx, boolean speaking, double rms) {
            console.say("avatar", speaking ? "hears the user speaking (level %.0f dBFS)"
                    : "the user is quiet again (level %.0f dBFS): back to talking", dbfs(rms));
        }

        @Override
        public void onBargeIn(JobContext ctx, long droppedMillis) {
            bargeIns.incrementAndGet();
            console.say("avatar", "barge-in: stops talking, drops %d ms of queued audio and its video frames",
                    droppedMillis);
        }

        @Override
        public void onStats(JobContext ctx, Avatar.Stats s) {
            console.say("avatar", "%s", describe(s));
        }

        @Override
        public void onStopped(JobContext ctx, Avatar.Stats s) {
            console.say("avatar", "stops: %s", describe(s));
        }

        private static String describe(Avatar.Stats s) {
            return String.format("sent %.1f s of audio (underrun %d ms, %d ms queued), video frames captured %d,"
                            + " sent %d; barge-ins %d", s.audioSentMillis() / 1000.0, s.underrunMillis(),
                    s.queuedMillis(), s.framesCaptured(), s.framesPushed(), s.bargeIns());
        }

        private static double dbfs(double rms) {
            return 20 * Math.log10(Math.max(rms, 1) / 32768);
        }
    }

    /** Timestamped console lines, one at a time. */
    private static final class Console {
        private final PrintStream out;

        Console(PrintStream out) {
            this.out = out;
        }

        synchronized void say(String who, String format, Object... args) {
            out.printf("%s  %-7s %s%n", LocalTime.now().format(TIME), who, String.format(format, args));
        }
    }
}
