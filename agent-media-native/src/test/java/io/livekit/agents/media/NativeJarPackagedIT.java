package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the jars that {@code package} just produced (the Java classes jar and the linux-x86_64 classifier
 * jar), in fresh JVMs whose class path has nothing of {@code target/classes}: the way users get them.
 */
class NativeJarPackagedIT {
  private static Path classesJar;
  private static Path nativeJar;
  private static String version;
  private static String platform;
  private static Path work;

  @BeforeAll
  static void jars() throws IOException {
    classesJar = Paths.get(System.getProperty("lkmedia.test.classesJar"));
    nativeJar = Paths.get(System.getProperty("lkmedia.test.nativeJar"));
    version = System.getProperty("lkmedia.test.version");
    platform = System.getProperty("lkmedia.test.platform");
    assertThat(classesJar).exists();
    assertThat(nativeJar).exists();
    work = Paths.get("target", "packaged-it").toAbsolutePath();
    Files.createDirectories(work);
  }

  private static String jarOf(Class<?> c) {
    try {
      return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> classPath, String... props) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xcheck:jni");
    // What a user on JDK 24+ adds to keep System.load free of JEP 472's warning (see README).
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(List.of(props));
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, classPath));
    cmd.add(PackagedSmoke.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    // read on a thread of its own: a JVM that hangs with its output open must fail the test, not hang it
    CompletableFuture<String> out = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        out.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException e) {
        out.completeExceptionally(e);
      }
    }, "packaged-smoke-output");
    reader.setDaemon(true);
    reader.start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the smoke JVM ended within 120 s; output so far: %s",
          out.getNow("(still reading)")).isTrue();
      return new Run(p.exitValue(), out.get(60, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();  // a no-op once it ended; otherwise it must not outlive the test
    }
  }

  /** The class path of a user: the two jars, JavaCPP, slf4j-api, and the smoke test class. */
  private static List<String> classPath(Path nativeJarOrNull) {
    List<String> cp = new ArrayList<>();
    cp.add(classesJar.toString());
    if (nativeJarOrNull != null) {
      cp.add(nativeJarOrNull.toString());
    }
    cp.add(jarOf(org.bytedeco.javacpp.Pointer.class));
    cp.add(jarOf(org.slf4j.Logger.class));
    cp.add(jarOf(PackagedSmoke.class));  // target/test-classes: test classes only, no main classes
    return cp;
  }

  @Test
  void loadsTheLibraryFromTheClassifierJarIntoTheWorkDirectory() throws Exception {
    Path dir = Files.createTempDirectory(work, "extract");
    Run r = run(classPath(nativeJar), "-Dio.livekit.agents.media.workdir=" + dir);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("LOADED " + dir).contains("CLASSES file:" + classesJar)
        .contains("BUILD " + platform).containsPattern("OPUS snr=[1-9][0-9]")
        .contains("VP8 PICTURE 64x48").doesNotContain("WARNING");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("the extracted library is deleted once loaded").isEmpty();
    }
  }

  @Test
  void withoutTheNativeJarTheErrorNamesPlatformJarAndFix() throws Exception {
    Run r = run(classPath(null));
    assertThat(r.exit()).as(r.output()).isEqualTo(3);
    assertThat(r.output()).contains("not available on " + platform)
        .contains("agent-media-native-" + version + "-" + platform + ".jar")
        .contains("Fix: add io.livekit.agents:agent-media-native:" + version + ":" + platform);
  }

  @Test
  void aNativeJarOfAnotherVersionIsRefused() throws Exception {
    Path other = work.resolve("other-version-" + platform + ".jar");
    try (ZipFile in = new ZipFile(nativeJar.toFile()); OutputStream os = Files.newOutputStream(other);
        ZipOutputStream out = new ZipOutputStream(os)) {
      Enumeration<? extends ZipEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        out.putNextEntry(new ZipEntry(e.getName()));
        try (InputStream is = in.getInputStream(e)) {
          byte[] data = is.readAllBytes();
          if (e.getName().endsWith("lkmedia.properties")) {
            data = new String(data, StandardCharsets.UTF_8).replace("version=" + version, "version=9.9.9")
                .getBytes(StandardCharsets.UTF_8);
          }
          out.write(data);
        }
        out.closeEntry();
      }
    }
    Run r = run(classPath(other));
    assertThat(r.exit()).as(r.output()).isEqualTo(3);
    assertThat(r.output()).contains("version 9.9.9 but the Java classes are version " + version);
  }

  @Test
  void thePropertyTurnsNativesOff() throws Exception {
    Run r = run(classPath(nativeJar), "-Dio.livekit.agents.media.disable=true");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.output()).contains("disabled by -Dio.livekit.agents.media.disable=true");
  }
}
