package io.livekit.agents.devserver.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobRequest;
import io.livekit.agents.Worker;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.it.room.Media;
import io.livekit.agents.it.room.RtcEnv;
import io.livekit.agents.it.support.It;
import io.livekit.agents.room.DataPublishOptions;
import io.livekit.agents.room.Room;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LiveKit's browser SDK ({@code livekit-client}, installed by the build) in Debian's headless Chromium against the
 * dev server, with a Java agent: the page's join creates the room, whose token dispatches the agent {@code video};
 * a Java worker takes the job, joins through {@link JobContext#connectRoom()} and publishes a one-colour 320x240
 * video track. The page must receive it with frames decoded (presented frames, {@code framesDecoded} from
 * {@code getStats}) showing the colour, and a data packet from the agent. The page comes from a small HTTP server of
 * the test on the namespace address; Chromium, node and the servers all run in the test network namespace.
 */
@Tag("webrtc")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrowserConformanceTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private DevServer server;
    private HttpServer pages;
    private Worker worker;
    private NodeProcess browser;
    private final Media media = new Media();
    private final BlockingQueue<String> agentFailures = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        Path project = NodeProcess.projectDir();
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            throw new IllegalStateException("Chromium is not installed at " + chromium + ": install Debian's chromium"
                    + " package (scripts/prereqs.d/50-chromium.test.sh does) or set CHROMIUM");
        }
        server = RtcEnv.server().build().start();
        byte[] page = Files.readAllBytes(project.resolve("browser-page.html"));
        byte[] sdk = Files.readAllBytes(project.resolve("node_modules/livekit-client/dist/livekit-client.umd.js"));
        pages = HttpServer.create(new InetSocketAddress(RtcEnv.bindHost(), 0), 16);
        pages.createContext("/", x -> {
            boolean js = x.getRequestURI().getPath().equals("/livekit-client.umd.js");
            byte[] body = js ? sdk : page;
            x.getResponseHeaders().set("Content-Type", js ? "text/javascript" : "text/html; charset=utf-8");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        pages.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        media.close();
        if (worker != null) {
            worker.close();
        }
        if (pages != null) {
            pages.stop(0);
        }
        server.close();
    }

    /** The video agent: publishes a one-colour track and greets the browser participant with a data packet. */
    private final class VideoAgent implements JobHandler {
        @Override
        public JobDecision onJobRequest(JobRequest request) {
            return JobDecision.accept("video-agent");
        }

        @Override
        public void onJob(JobContext ctx) throws Exception {
            try {
                Room room = ctx.connectRoom();
                media.publishVideo(room, 320, 240);
                ctx.waitForParticipant("browser", WAIT);
                room.localParticipant().publishData("hello browser".getBytes(StandardCharsets.UTF_8),
                        DataPublishOptions.ofReliable().withTopic("conformance").withDestinations("browser"));
                ctx.awaitCancellation();
            } catch (Exception | AssertionError e) {
                agentFailures.add(String.valueOf(e));
                throw e;
            }
        }
    }

    @Test
    void livekitClientInChromiumReceivesAJavaAgentsVideo() throws Exception {
        worker = Worker.create(It.options(server).agentName("video").build(), new VideoAgent());
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();

        String token = RtcEnv.token(server, "browser", "browser-room", Map.of(), Map.of("roomConfig",
                Map.of("agents", List.of(Map.of("agentName", "video")))));
        String pageUrl = "http://" + RtcEnv.bindHost() + ":" + pages.getAddress().getPort() + "/?url="
                + URLEncoder.encode(server.url(), StandardCharsets.UTF_8) + "&token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
        browser = NodeProcess.start("browser.mjs", Map.of("PAGE_URL", pageUrl, "RUN_SECONDS", "80"));

        JsonNode connected = browser.await(e -> e.path("event").asText().matches("connected|error"), WAIT);
        assertThat(connected.path("event").asText()).as(browser.output()).isEqualTo("connected");
        assertThat(connected.get("sid").asText()).startsWith("PA_");
        assertThat(connected.get("serverVersion").asText()).isEqualTo(DevServer.COMPATIBLE_SERVER_VERSION);

        JsonNode video = browser.await(e -> e.path("event").asText().matches("video|error"), WAIT);
        assertThat(video.path("event").asText()).as(browser.output() + "\nagent: " + agentFailures)
                .isEqualTo("video");
        assertThat(video.get("from").asText()).isEqualTo("video-agent");
        assertThat(video.get("sid").asText()).startsWith("TR_");
        assertThat(video.get("frames").asInt()).isGreaterThanOrEqualTo(30);
        assertThat(video.get("framesDecoded").asInt()).as("framesDecoded from getStats").isGreaterThanOrEqualTo(30);
        assertThat(video.get("codec").asText()).isEqualToIgnoringCase("video/VP8");
        assertThat(video.get("width").asInt()).isEqualTo(320);
        assertThat(video.get("height").asInt()).isEqualTo(240);
        // the agent's colour (200, 60, 40) survived VP8 twice (agent -> server -> browser) and YUV -> RGB
        assertThat(video.get("r").asInt()).isBetween(Media.RED - 30, Media.RED + 30);
        assertThat(video.get("g").asInt()).isBetween(Media.GREEN - 30, Media.GREEN + 30);
        assertThat(video.get("b").asInt()).isBetween(Media.BLUE - 30, Media.BLUE + 30);

        JsonNode data = browser.await(e -> "data".equals(e.path("event").asText()), WAIT);
        assertThat(data.get("payload").asText()).isEqualTo("hello browser");
        assertThat(data.get("from").asText()).isEqualTo("video-agent");
        assertThat(data.get("topic").asText()).isEqualTo("conformance");
        browser.await(e -> "done".equals(e.path("event").asText()), WAIT);
        assertThat(agentFailures).isEmpty();
    }
}
