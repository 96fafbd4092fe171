package io.livekit.agents.benchmarks.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.room.AudioFrame;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteVideoTrack;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import io.livekit.agents.room.TrackPublishOptions;
import io.livekit.agents.room.VideoSourceOptions;
import io.livekit.agents.room.VideoStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dev server's media figures (issue 4), each against a plain webrtc-java baseline measured in the same run:
 * <ol>
 *   <li>publish-to-receive audio latency: a Java room client publishes beeps, another receives them through the
 *       dev server; baseline: the same beeps over a direct webrtc-java peer connection pair;</li>
 *   <li>CPU per published 720p30 video track: the dev server in its own process forwarding one track to one and to
 *       two subscribers; baseline: a bare webrtc-java relay process forwarding the same track the same way
 *       ({@code addTrack} of the received track: decode and re-encode), with the same publisher and subscriber.</li>
 * </ol>
 * Must run inside a network namespace (libwebrtc ignores loopback): {@code benchmarks/run-rtc-bench.sh}.
 */
public final class RtcBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "devkey";
    private static final String SECRET = "secret";

    private final String host;
    private final int seconds;
    private final int warmup;
    private final Path out;
    private final StringBuilder report = new StringBuilder();

    private RtcBench(String host, int seconds, int warmup, Path out) {
        this.host = host;
        this.seconds = seconds;
        this.warmup = warmup;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 20;
        int warmup = 5;
        Path out = Path.of("benchmarks/target/rtc-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: RtcBench [--seconds N (measure window, default 20)] [--warmup N (default"
                            + " 5)] [--out DIR (default benchmarks/target/rtc-bench)]");
                    System.exit(2);
                }
            }
        }
        if (System.getenv("LK_NETNS") == null) {
            System.err.println("run inside a network namespace: benchmarks/run-rtc-bench.sh (libwebrtc ignores loopback)");
            System.exit(2);
        }
        String host = System.getenv().getOrDefault("LK_NETNS_ADDR_A", "10.233.0.1");
        RtcBench b = new RtcBench(host, seconds, warmup, out);
        b.run();
        System.exit(0);
    }

    private void run() throws Exception {
        line("# Dev server media figures, " + LocalDate.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, JDK " + System.getProperty("java.version") + ", window " + seconds + " s after " + warmup
                + " s warm-up");
        line("");
        line("## Publish-to-receive audio latency (median / p90 / min / max)");
        line("");
        List<Double> direct = latencyDirect();
        List<Double> through = latencyThroughServer();
        line("| path | latency |");
        line("|---|---|");
        line("| baseline: webrtc-java peer to peer (CustomAudioSource -> AudioTrackSink) | " + Beeps.summary(direct) + " |");
        line("| Java room client -> dev server -> Java room client (AudioSource.write -> AudioStream) | "
                + Beeps.summary(through) + " |");
        line("");
        line(String.format("Difference of the medians: %.1f ms.", Beeps.median(through) - Beeps.median(direct)));
        line("");
        line("## CPU per published 720p30 video track (share of one core of the forwarding process)");
        line("");
        line("| forwarder | idle | 1 subscriber | 2 subscribers | frames received per subscriber (1 sub) |");
        line("|---|---|---|---|---|");
        Cpu relay = cpuThroughRelay();
        line(String.format("| baseline: bare webrtc-java relay process (addTrack of the received track) | %.1f %% | "
                + "%.1f %% | n/a | %.1f fps |", relay.idle, relay.one, relay.fpsOne));
        Cpu srv = cpuThroughServer();
        line(String.format("| dev server process (DevServerMain) | %.1f %% | %.1f %% | %.1f %% | %.1f fps |", srv.idle,
                srv.one, srv.two, srv.fpsOne));
        line("");
        line(String.format("Dev server / bare relay for one subscriber, idle subtracted: %.2f.",
                (srv.one - srv.idle) / Math.max(0.1, relay.one - relay.idle)));
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), report);
        System.out.println("\nwritten to " + out.resolve("results.md"));
    }

    private void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }

    private static String token(String identity, String room) {
        return LiveKitTokens.sign(KEY, SECRET, identity, Map.of("video", Map.of("roomJoin", true, "room", room)),
                Duration.ofHours(1));
    }

    // ------------------------------------------------------------------------------------------------------------
    // latency

    /** Runs a real-time 10 ms writer for the warm-up plus the window. */
    private void writeBeeps(Beeps beeps, FrameSink sink) throws Exception {
        short[] frame = new short[Beeps.FRAME];
        long start = System.nanoTime();
        long frames = (long) (warmup + seconds) * 100;
        for (long k = 0; k < frames; k++) {
            long due = start + k * 10_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            beeps.nextFrame(frame, System.nanoTime());
            sink.accept(frame);
        }
    }

    private interface FrameSink {
        void accept(short[] frame) throws Exception;
    }

    private List<Double> latencyDirect() throws Exception {
        Beeps beeps = new Beeps();
        // two factories, as two endpoints would have: each with its own audio device pulling its received audio
        try (Peers peers = new Peers(); Peers receiver = new Peers()) {
            Peers.Peer rx = receiver.create(track -> {
                if (track instanceof AudioTrack audio) {
                    audio.addSink((data, bits, rate, channels, frames) -> {
                        short[] mono = new short[frames];
                        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
                        for (int i = 0; i < frames; i++) {
                            mono[i] = b.getShort(i * channels * 2);
                        }
                        beeps.onReceived(mono, frames, rate, System.nanoTime());
                    });
                }
            });
            Peers.Peer tx = peers.create(t -> {
            });
            CustomAudioSource source = new CustomAudioSource();
            AudioTrack track = peers.factory.createAudioTrack("beeps", source);
            tx.pc().addTrack(track, List.of("beeps"));
            Peers.connect(tx, rx);
            byte[] pcm = new byte[Beeps.FRAME * 2];
            writeBeeps(beeps, frame -> {
                ByteBuffer.wrap(pcm).order(ByteOrder.nativeOrder()).asShortBuffer().put(frame);
                source.pushAudio(pcm, 16, Beeps.RATE, 1, Beeps.FRAME);
            });
            Thread.sleep(500);
            tx.pc().close();
            rx.pc().close();
        }
        return beeps.latenciesMillis(warmup * 100 / Beeps.PERIOD_FRAMES);
    }

    private List<Double> latencyThroughServer() throws Exception {
        Beeps beeps = new Beeps();
        try (DevServer server = DevServer.builder().bind(host).port(0).build().start()) {
            BlockingQueue<RemoteTrack> subscribed = new LinkedBlockingQueue<>();
            Room sub = Room.connect(server.url(), token("sub", "latency"), RoomOptions.builder()
                    .addListener(new RoomListener() {
                        @Override
                        public void onTrackSubscribed(Room room, RemoteTrack track, RemoteTrackPublication pub,
                                                      RemoteParticipant p) {
                            subscribed.add(track);
                        }
                    }).build());
            Room pub = Room.connect(server.url(), token("pub", "latency"), RoomOptions.defaults());
            try {
                LocalAudioTrack track = pub.localParticipant().createAudioTrack("beeps", AudioSourceOptions.of(48000, 1));
                pub.localParticipant().publishTrack(track, TrackPublishOptions.microphone().withDtx(false));
                RemoteAudioTrack remote = (RemoteAudioTrack) subscribed.poll(30, TimeUnit.SECONDS);
                if (remote == null) {
                    throw new IllegalStateException("the subscriber got no audio track through the dev server");
                }
                AtomicBoolean reading = new AtomicBoolean(true);
                Thread reader = new Thread(() -> {
                    try (AudioStream s = remote.openStream(48000, 1)) {
                        while (reading.get()) {
                            AudioFrame f = s.poll(Duration.ofMillis(100));
                            if (f != null) {
                                beeps.onReceived(f.data(), f.data().length, f.sampleRate(), System.nanoTime());
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "bench-audio-reader");
                reader.start();
                writeBeeps(beeps, frame -> track.source().write(frame, 0, frame.length));
                Thread.sleep(500);
                reading.set(false);
                reader.join(2000);
            } finally {
                pub.disconnect();
                sub.disconnect();
            }
        }
        return beeps.latenciesMillis(warmup * 100 / Beeps.PERIOD_FRAMES);
    }

    // ------------------------------------------------------------------------------------------------------------
    // CPU

    private record Cpu(double idle, double one, double two, double fpsOne) {
    }

    private static Process child(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** A 720p30 producer thread: calls {@code push} with frame numbers at 30 fps until {@code running} is cleared. */
    private static Thread producer(AtomicBoolean running, FrameProducer push) {
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            for (long n = 0; running.get(); n++) {
                long wait = start + n * 1_000_000_000L / Pattern.FPS - System.nanoTime();
                try {
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    push.frame(n);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (running.get()) {
                        e.printStackTrace();
                    }
                    return;
                }
            }
        }, "bench-720p-producer");
        t.start();
        return t;
    }

    private interface FrameProducer {
        void frame(long n) throws InterruptedException;
    }

    /** Counts the frames of a received video stream on its own thread. */
    private static Thread counter(VideoStream stream, AtomicLong frames, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try (io.livekit.agents.room.VideoFrame f = stream.poll(Duration.ofMillis(200))) {
                    if (f != null) {
                        frames.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-video-counter");
        t.start();
        return t;
    }

    private Cpu cpuThroughServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            port = s.getLocalPort();
        }
        Process server = child("io.livekit.agents.devserver.DevServerMain", "--dev", "--bind", host, "--port",
                Integer.toString(port), "--log-level", "warn");
        AtomicBoolean running = new AtomicBoolean(true);
        List<Room> rooms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            awaitPort(host, port);
            Thread.sleep(2000);
            double idle = ProcCpu.percentOver(server.pid(), 5);
            String url = "ws://" + host + ":" + port;
            BlockingQueue<RemoteTrack> subscribed = new LinkedBlockingQueue<>();
            RoomListener onTrack = new RoomListener() {
                @Override
                public void onTrackSubscribed(Room room, RemoteTrack track, RemoteTrackPublication pub,
                                              RemoteParticipant p) {
                    subscribed.add(track);
                }
            };
            rooms.add(Room.connect(url, token("sub1", "cpu"), RoomOptions.builder().addListener(onTrack).build()));
            Room pub = Room.connect(url, token("pub", "cpu"), RoomOptions.defaults());
            rooms.add(pub);
            LocalVideoTrack track = pub.localParticipant().createVideoTrack("cam",
                    VideoSourceOptions.of(Pattern.WIDTH, Pattern.HEIGHT));
            ByteBuffer frame = Pattern.packed();
            threads.add(producer(running, n -> {
                Pattern.fillPacked(n, frame);
                track.source().capture(frame, PixelFormat.I420, Pattern.WIDTH, n * 1_000_000 / Pattern.FPS);
            }));
            pub.localParticipant().publishTrack(track, TrackPublishOptions.camera());
            AtomicLong frames1 = new AtomicLong();
            RemoteVideoTrack remote = (RemoteVideoTrack) subscribed.poll(30, TimeUnit.SECONDS);
            if (remote == null) {
                throw new IllegalStateException("the subscriber got no video track through the dev server");
            }
            threads.add(counter(remote.openStream(), frames1, running));
            Thread.sleep(warmup * 1000L);
            long f0 = frames1.get();
            double one = ProcCpu.percentOver(server.pid(), seconds);
            double fps = (frames1.get() - f0) / (double) seconds;

            rooms.add(Room.connect(url, token("sub2", "cpu"), RoomOptions.builder().addListener(onTrack).build()));
            RemoteVideoTrack remote2 = (RemoteVideoTrack) subscribed.poll(30, TimeUnit.SECONDS);
            if (remote2 == null) {
                throw new IllegalStateException("the second subscriber got no video track");
            }
            threads.add(counter(remote2.openStream(), new AtomicLong(), running));
            Thread.sleep(warmup * 1000L);
            double two = ProcCpu.percentOver(server.pid(), seconds);
            return new Cpu(idle, one, two, fps);
        } finally {
            running.set(false);
            for (Thread t : threads) {
                t.join(2000);
            }
            rooms.forEach(Room::disconnect);
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Cpu cpuThroughRelay() throws Exception {
        Process relay = child(RelayMain.class.getName());
        BufferedReader in = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        OutputStream toRelay = relay.getOutputStream();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread producer = null;
        try (Peers peers = new Peers()) {
            expect(in, "ready");
            Thread.sleep(2000);
            double idle = ProcCpu.percentOver(relay.pid(), 5);
            AtomicLong frames = new AtomicLong();
            Peers.Peer rx = peers.create(track -> {
                if (track instanceof VideoTrack video) {
                    video.addSink(f -> {
                        frames.incrementAndGet();
                        f.release();
                    });
                }
            });
            Peers.Peer tx = peers.create(t -> {
            });
            CustomVideoSource source = new CustomVideoSource();
            VideoTrack track = peers.factory.createVideoTrack("cam", source);
            tx.pc().addTrack(track, List.of("cam"));
            producer = producer(running, n -> {
                NativeI420Buffer buf = NativeI420Buffer.allocate(Pattern.WIDTH, Pattern.HEIGHT);
                Pattern.fill(n, buf.getDataY(), buf.getStrideY(), buf.getDataU(), buf.getStrideU(), buf.getDataV(),
                        buf.getStrideV());
                VideoFrame f = new VideoFrame(buf, n * 1_000_000_000L / Pattern.FPS);
                source.pushFrame(f);
                f.release();
            });
            send(toRelay, Map.of("type", "offer", "sdp", Peers.offer(tx).sdp));
            Peers.setRemote(tx.pc(), new RTCSessionDescription(RTCSdpType.ANSWER, expect(in, "answer").get("sdp").asText()));
            Peers.setRemote(rx.pc(), new RTCSessionDescription(RTCSdpType.OFFER, expect(in, "offer2").get("sdp").asText()));
            send(toRelay, Map.of("type", "answer2", "sdp", Peers.answer(rx).sdp));
            Thread.sleep(warmup * 1000L);
            long f0 = frames.get();
            double one = ProcCpu.percentOver(relay.pid(), seconds);
            double fps = (frames.get() - f0) / (double) seconds;
            running.set(false);
            producer.join(2000);
            send(toRelay, Map.of("type", "quit"));
            relay.waitFor(10, TimeUnit.SECONDS);
            tx.pc().close();
            rx.pc().close();
            return new Cpu(idle, one, Double.NaN, fps);
        } finally {
            running.set(false);
            if (producer != null) {
                producer.join(2000);
            }
            relay.destroy();
        }
    }

    private static void send(OutputStream o, Map<String, ?> m) throws IOException {
        o.write((JSON.writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    private static JsonNode expect(BufferedReader in, String type) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IllegalStateException("the relay process ended before sending " + type);
        }
        JsonNode m = JSON.readTree(line);
        if (!type.equals(m.path("type").asText())) {
            throw new IllegalStateException("expected " + type + " from the relay, got " + line);
        }
        return m;
    }

    private static void awaitPort(String host, int port) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(host, port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the dev server did not listen on " + host + ":" + port + " within 30 s");
    }
}
