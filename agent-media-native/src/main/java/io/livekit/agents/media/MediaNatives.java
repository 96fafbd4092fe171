package io.livekit.agents.media;

import io.livekit.agents.media.internal.NativeLoader;
import io.livekit.agents.media.internal.Platforms;

/**
 * Whether the native media core ({@code liblkmedia}) can be used, the way Netty's {@code Epoll} does it.
 *
 * <p>The library comes in the classifier jar {@code agent-media-native-<version>-<platform>.jar}. It is
 * loaded the first time any method of this class (or of a media class) needs it, never when a class is
 * merely initialised; a failure is remembered and reported by {@link #unavailabilityCause()} with every
 * attempt, the detected platform and the fix.
 *
 * <p>System properties:
 *
 * <ul>
 *   <li>{@code io.livekit.agents.media.disable=true}: never load natives; media classes then fail with a
 *       clear error and the rest of the SDK works without them.
 *   <li>{@code io.livekit.agents.media.libraryPath=/abs/liblkmedia.so}: load exactly this file.
 *   <li>{@code io.livekit.agents.media.workdir=<dir>}: where the library is extracted from the jar
 *       (default {@code java.io.tmpdir}; choose another one if that is mounted {@code noexec}).
 *   <li>{@code io.livekit.agents.media.keepExtracted=true}: leave the extracted file in place.
 * </ul>
 *
 * <p>All methods are thread-safe.
 */
public final class MediaNatives {
  private MediaNatives() {}

  // Initialised on first use only: the JVM runs this holder's initialiser when a method below first reads
  // RESULT. NativeLoader.load() never throws, so a failure cannot turn into NoClassDefFoundError.
  private static final class Holder {
    static final NativeLoader.Result RESULT = NativeLoader.load();
  }

  /** True when the native library is loaded and matches these classes' version. */
  public static boolean isAvailable() {
    return Holder.RESULT.cause == null;
  }

  /**
   * Throws an {@link UnsatisfiedLinkError} (with the cause attached) unless the natives are available.
   * Every media class calls this before it creates a native object.
   */
  public static void ensureAvailability() {
    Throwable cause = Holder.RESULT.cause;
    if (cause != null) {
      UnsatisfiedLinkError e = new UnsatisfiedLinkError("LiveKit media natives are not available: " + cause.getMessage());
      e.initCause(cause);
      throw e;
    }
  }

  /** Why the natives are not available, or {@code null} when they are. */
  public static Throwable unavailabilityCause() {
    return Holder.RESULT.cause;
  }

  /** The platform id of this JVM as the classifier jars name it, e.g. {@code linux-x86_64}. */
  public static String platform() {
    return Platforms.current();
  }

  /** The version of the Java classes (and of the native jar they need). */
  public static String version() {
    return NativeLoader.javaVersion();
  }

  /** The version compiled into the loaded library, or {@code null} when none was loaded. */
  public static String libraryVersion() {
    return Holder.RESULT.libraryVersion;
  }

  /** Platform, linked library versions (libopus, libvpx, libyuv, speexdsp) and compiler, or {@code null}. */
  public static String buildInfo() {
    return Holder.RESULT.buildInfo;
  }

  /** Where the library was loaded from (a path), or {@code null} when none was loaded. */
  public static String loadedFrom() {
    return Holder.RESULT.loadedFrom;
  }
}
