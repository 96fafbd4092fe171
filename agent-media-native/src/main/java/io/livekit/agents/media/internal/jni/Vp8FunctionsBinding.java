package io.livekit.agents.media.internal.jni;

import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** Free functions of {@code lkmedia/vp8_codec.h}. */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/vp8_codec.h")
@Namespace("lkmedia")
public final class Vp8FunctionsBinding {
  private Vp8FunctionsBinding() {}

  public static native int vp8MaxEncodedSize(int width, int height);
}
