package io.livekit.agents.media.internal.jni;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * Shared JavaCPP settings of every binding class in this package: one JNI library, {@code lkmedia}.
 *
 * <p>Binding classes say {@code @Properties(inherit = LkMediaPlatform.class)} plus their own
 * {@code @Platform(include = "lkmedia/....h")}. They never call {@code Loader.load()}: the library is
 * loaded by {@link io.livekit.agents.media.MediaNatives}. See {@code native-src/README.md}.
 */
@Properties(value = @Platform(library = "lkmedia"))
public final class LkMediaPlatform {
  private LkMediaPlatform() {}
}
