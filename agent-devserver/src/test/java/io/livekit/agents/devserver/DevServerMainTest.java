package io.livekit.agents.devserver;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line: option parsing, and a real process that starts, serves and stops on SIGTERM. */
class DevServerMainTest {

    @Test
    void parsesTheLivekitServerStyleOptions() throws Exception {
        DevServerMain.Options dev = DevServerMain.parse(new String[] {"--dev"});
        assertThat(dev.port()).isEqualTo(7880);
        assertThat(dev.bind()).isEqualTo("127.0.0.1");
        assertThat(dev.keys()).singleElement().satisfies(k -> assertThat(k).containsExactly("devkey", "secret"));
        assertThat(dev.mode()).isEqualTo(DispatchMode.STRICT_OSS);

        DevServerMain.Options o = DevServerMain.parse(new String[] {"--port", "9000", "--bind=0.0.0.0",
                "--keys", "a:b,c:d", "--keys=e:f", "--dispatch-mode", "lenient", "--availability-timeout", "5000"});
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.bind()).isEqualTo("0.0.0.0");
        assertThat(o.keys()).extracting(k -> k[0] + "=" + k[1]).containsExactly("a=b", "c=d", "e=f");
        assertThat(o.mode()).isEqualTo(DispatchMode.LENIENT);
        assertThat(o.availabilityTimeout()).hasMillis(5000);
        DevServer built = DevServerMain.build(o);
        assertThat(built.keys()).containsEntry("a", "b").containsEntry("e", "f");
        assertThat(built.apiKey()).isEqualTo("a");
        built.close();

        assertThat(DevServerMain.parse(new String[] {"--help"}).help()).isTrue();
        assertThatThrownBy(() -> DevServerMain.parse(new String[0])).hasMessageContaining("--dev");
        assertThatThrownBy(() -> DevServerMain.parse(new String[] {"--dev", "--port", "x"})).hasMessageContaining("number");
        assertThatThrownBy(() -> DevServerMain.parse(new String[] {"--keys", "nosecret"})).hasMessageContaining("KEY:SECRET");
        assertThatThrownBy(() -> DevServerMain.parse(new String[] {"--dev", "--frobnicate"})).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> DevServerMain.parse(new String[] {"--dev", "--port"})).hasMessageContaining("needs a value");
    }

    @Test
    void runsAsAProcessAndStopsOnSigterm() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                DevServerMain.class.getName(), "--dev", "--port", "0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String url = null;
            Pattern urlLine = Pattern.compile("URL:\\s+(ws://127\\.0\\.0\\.1:\\d+)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (url == null && System.nanoTime() < deadline) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                lines.add(line);
                Matcher m = urlLine.matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            assertThat(url).as("output: %s", lines).isNotNull();
            while (lines.stream().noneMatch(l -> l.contains("Press Ctrl-C"))) {
                lines.add(out.readLine());
            }
            assertThat(lines).anyMatch(l -> l.contains("API key:    devkey") && l.contains("API secret: secret"));
            assertThat(lines).anyMatch(l -> l.contains("shorter than 32 bytes"));

            HttpResponse<String> ok = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url.replace("ws://", "http://") + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);

            // SIGTERM through kill(1): Process.destroy() would also close our end of its output
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String rest;
            while ((rest = out.readLine()) != null) {
                lines.add(rest);
            }
            assertThat(lines).anyMatch(l -> l.contains("stopped"));
            assertThat(p.exitValue()).isEqualTo(143);
        } finally {
            p.destroyForcibly();
        }
    }
}
