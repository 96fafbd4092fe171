package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaNativesTest {
  @Test
  void libraryLoadsAndMatchesTheJavaVersion() {
    MediaNatives.ensureAvailability();
    assertThat(MediaNatives.isAvailable()).isTrue();
    assertThat(MediaNatives.unavailabilityCause()).isNull();
    assertThat(MediaNatives.platform()).isEqualTo("linux-x86_64");
    assertThat(MediaNatives.libraryVersion()).isEqualTo(MediaNatives.version()).isNotEqualTo("unknown");
    assertThat(MediaNatives.buildInfo()).contains("linux-x86_64", "libopus 1.5.2", "libvpx", "libyuv 1857", "speexdsp");
    assertThat(MediaNatives.loadedFrom()).endsWith("liblkmedia.so");
  }
}
