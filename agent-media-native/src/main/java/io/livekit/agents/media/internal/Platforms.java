package io.livekit.agents.media.internal;

import java.io.File;
import java.util.Locale;

/** Names the platform the JVM runs on the way the classifier jars are named ({@code linux-x86_64}). */
public final class Platforms {
  private Platforms() {}

  /** The platforms a classifier jar can exist for (see agent-media-native/README.md). */
  public static final String[] KNOWN = {"linux-x86_64", "linux-arm64", "macosx-x86_64", "macosx-arm64", "windows-x86_64"};

  /** Platform id of this JVM, e.g. {@code linux-x86_64}; unknown systems keep their raw names. */
  public static String current() {
    return os(System.getProperty("os.name", "")) + "-" + arch(System.getProperty("os.arch", ""));
  }

  static String os(String osName) {
    String n = osName.toLowerCase(Locale.ROOT);
    if (n.startsWith("linux")) {
      return "linux";
    }
    if (n.startsWith("mac") || n.startsWith("darwin")) {
      return "macosx";
    }
    if (n.startsWith("windows")) {
      return "windows";
    }
    return n.replaceAll("[^a-z0-9]+", "");
  }

  static String arch(String osArch) {
    String a = osArch.toLowerCase(Locale.ROOT);
    switch (a) {
      case "amd64":
      case "x86_64":
      case "x86-64":
        return "x86_64";
      case "aarch64":
      case "arm64":
        return "arm64";
      default:
        return a.replaceAll("[^a-z0-9_]+", "");
    }
  }

  /** True when a Linux system uses musl libc (Alpine), which the glibc builds do not support. */
  public static boolean isMuslLinux() {
    if (!current().startsWith("linux-")) {
      return false;
    }
    File[] libs = new File("/lib").listFiles((dir, name) -> name.startsWith("ld-musl-"));
    return libs != null && libs.length > 0;
  }

  /** A one-line description of the JVM's system for error messages. */
  public static String describe() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch") + (isMuslLinux() ? " (musl libc)" : "")
        + ", Java " + System.getProperty("java.version");
  }
}
