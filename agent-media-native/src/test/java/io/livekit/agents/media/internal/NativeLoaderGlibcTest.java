package io.livekit.agents.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The loader tells an old C library apart from a missing jar, so that the fix it prints is the right one. */
class NativeLoaderGlibcTest {

  @Test
  void theGlibcVersionTheDynamicLinkerAskedForIsFound() {
    List<String> attempts = List.of(
        "-Dlivekit.media.library.path is not set",
        "java.library.path has no liblkmedia.so",
        "jar:file:/x/agent-media-native-0.1.0-linux-x86_64.jar!/META-INF/native/linux-x86_64/liblkmedia.so: "
            + "could not load the extracted /tmp/liblkmedia-0.1.0-1.so: /lib/x86_64-linux-gnu/libc.so.6: "
            + "version `GLIBC_2.36' not found (required by /tmp/liblkmedia-0.1.0-1.so)");
    assertThat(NativeLoader.requiredGlibc(attempts)).isEqualTo("2.36");
  }

  @Test
  void otherFailuresAreNotMistakenForAnOldGlibc() {
    assertThat(NativeLoader.requiredGlibc(List.of(
        "class path has no META-INF/native/linux-x86_64/liblkmedia.so (it comes in agent-media-native-linux.jar)",
        "java.library.path /opt/liblkmedia.so: java.lang.UnsatisfiedLinkError: wrong ELF class: ELFCLASS32")))
        .isNull();
    assertThat(NativeLoader.requiredGlibc(List.of("GLIBC_ mentioned without a version, not found"))).isNull();
  }
}
