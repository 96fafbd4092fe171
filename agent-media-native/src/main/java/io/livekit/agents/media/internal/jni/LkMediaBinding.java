package io.livekit.agents.media.internal.jni;

import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** Library identity and status names ({@code lkmedia/version.h}, {@code lkmedia/status.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = {"lkmedia/status.h", "lkmedia/version.h"})
@Namespace("lkmedia")
public final class LkMediaBinding {
  private LkMediaBinding() {}

  /** The project version the native library was built for. */
  public static native String libraryVersion();

  /** Platform, linked library versions and compiler. */
  public static native String buildInfo();

  /** English name of a status code. */
  public static native String statusName(int status);
}
