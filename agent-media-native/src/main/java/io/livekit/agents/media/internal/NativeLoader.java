package io.livekit.agents.media.internal;

import io.livekit.agents.media.internal.jni.LkMediaBinding;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code liblkmedia} once per class loader, in this order, and remembers why it failed:
 *
 * <ol>
 *   <li>the file named by {@value #PROP_LIBRARY_PATH}, if set;
 *   <li>{@code java.library.path}, if a file of that name is there;
 *   <li>{@code META-INF/native/<platform>/} of the classifier jar on the class path, extracted into
 *       {@value #PROP_WORKDIR} (default {@code java.io.tmpdir}) and deleted again once loaded.
 * </ol>
 *
 * <p>Before extracting, the version in the classifier jar's {@code lkmedia.properties} must equal this
 * jar's version; after loading, so must the version compiled into the library.
 */
public final class NativeLoader {
  public static final String PROP_DISABLE = "io.livekit.agents.media.disable";
  public static final String PROP_LIBRARY_PATH = "io.livekit.agents.media.libraryPath";
  public static final String PROP_WORKDIR = "io.livekit.agents.media.workdir";
  public static final String PROP_KEEP_EXTRACTED = "io.livekit.agents.media.keepExtracted";
  public static final String LIBRARY = "lkmedia";
  public static final String ARTIFACT = "agent-media-native";

  private static final Logger log = LoggerFactory.getLogger(NativeLoader.class);

  /** Result of the one load attempt of this class loader. */
  public static final class Result {
    public final Throwable cause;
    public final String loadedFrom;
    public final String libraryVersion;
    public final String buildInfo;

    Result(Throwable cause, String loadedFrom, String libraryVersion, String buildInfo) {
      this.cause = cause;
      this.loadedFrom = loadedFrom;
      this.libraryVersion = libraryVersion;
      this.buildInfo = buildInfo;
    }
  }

  private NativeLoader() {}

  /** The version of these Java classes (the Maven version). */
  public static String javaVersion() {
    try (InputStream in = NativeLoader.class.getResourceAsStream("agent-media-native.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Loads the library; never throws. */
  public static Result load() {
    try {
      return doLoad();
    } catch (Throwable t) {  // keep class initialisation of the caller free of errors
      return new Result(t, null, null, null);
    }
  }

  private static Result doLoad() {
    String platform = Platforms.current();
    String version = javaVersion();
    String jarName = ARTIFACT + "-" + version + "-" + platform + ".jar";
    if (Boolean.getBoolean(PROP_DISABLE)) {
      return new Result(new UnsupportedOperationException(
          "LiveKit media natives are disabled by -D" + PROP_DISABLE + "=true"), null, null, null);
    }
    String fileName = System.mapLibraryName(LIBRARY);
    List<String> attempts = new ArrayList<>();
    Throwable firstError = null;
    String loadedFrom = null;

    // 1. explicit file
    String explicit = System.getProperty(PROP_LIBRARY_PATH);
    if (explicit != null && !explicit.isEmpty()) {
      try {
        System.load(Paths.get(explicit).toAbsolutePath().toString());
        loadedFrom = explicit;
      } catch (Throwable t) {
        attempts.add("-D" + PROP_LIBRARY_PATH + "=" + explicit + ": " + t);
        firstError = t;
      }
    } else {
      attempts.add("-D" + PROP_LIBRARY_PATH + " is not set");
    }

    // 2. java.library.path, only if the file is there (a missing file is not worth an error)
    if (loadedFrom == null) {
      String libPath = System.getProperty("java.library.path", "");
      String found = null;
      for (String dir : libPath.split(File.pathSeparator)) {
        if (!dir.isEmpty() && new File(dir, fileName).isFile()) {
          found = new File(dir, fileName).getAbsolutePath();
          break;
        }
      }
      if (found != null) {
        try {
          System.load(found);
          loadedFrom = found;
        } catch (Throwable t) {
          attempts.add("java.library.path " + found + ": " + t);
          firstError = firstError == null ? t : firstError;
        }
      } else {
        attempts.add("java.library.path has no " + fileName);
      }
    }

    // 3. the classifier jar
    if (loadedFrom == null) {
      String dir = "META-INF/native/" + platform + "/";
      ClassLoader cl = NativeLoader.class.getClassLoader();
      URL lib = cl.getResource(dir + fileName);
      if (lib == null) {
        attempts.add("class path has no " + dir + fileName + " (it comes in " + jarName + ")");
      } else {
        try {
          checkJarVersion(cl, dir, version, jarName);
          loadedFrom = extractAndLoad(lib, version, fileName);
        } catch (Throwable t) {
          attempts.add(lib + ": " + t.getMessage());
          firstError = firstError == null ? t : firstError;
        }
      }
    }

    if (loadedFrom == null) {
      StringBuilder msg = new StringBuilder("LiveKit media natives are not available on ").append(platform)
          .append(" (").append(Platforms.describe()).append("). Tried:");
      for (int i = 0; i < attempts.size(); i++) {
        msg.append("\n  ").append(i + 1).append(". ").append(attempts.get(i));
      }
      msg.append("\nFix: ").append(fix(platform, version, jarName, attempts));
      UnsatisfiedLinkError e = new UnsatisfiedLinkError(msg.toString());
      if (firstError != null) {
        e.initCause(firstError);
      }
      return new Result(e, null, null, null);
    }

    String nativeVersion = LkMediaBinding.libraryVersion();
    String info = LkMediaBinding.buildInfo();
    if (!version.equals(nativeVersion)) {
      return new Result(new UnsatisfiedLinkError("the native library loaded from " + loadedFrom + " is version "
          + nativeVersion + " but the Java classes are version " + version + ". Fix: use " + jarName
          + " of the same version (and remove other copies of " + fileName + " from -D" + PROP_LIBRARY_PATH
          + " and java.library.path)"), loadedFrom, nativeVersion, info);
    }
    log.debug("loaded {} {} from {} ({})", fileName, nativeVersion, loadedFrom, info);
    return new Result(null, loadedFrom, nativeVersion, info);
  }

  private static String fix(String platform, String version, String jarName, List<String> attempts) {
    String glibc = requiredGlibc(attempts);
    if (glibc != null) {
      return "the native library needs glibc " + glibc + " or newer (the linux builds are made on Debian 12, "
          + "glibc 2.36) and this system's C library is older. Run on a newer distribution (Debian 12+, "
          + "Ubuntu 22.10+, Fedora 37+), or build native-src on this system (native-src/README.md) and point -D"
          + PROP_LIBRARY_PATH + " at the " + System.mapLibraryName(LIBRARY) + " it makes.";
    }
    boolean known = false;
    for (String p : Platforms.KNOWN) {
      known |= p.equals(platform);
    }
    if (Platforms.isMuslLinux()) {
      return "musl libc (Alpine) is not supported by the glibc builds; run on a glibc distribution "
          + "(Debian, Ubuntu, RHEL) or build native-src for musl.";
    }
    if (!known) {
      return "there is no native build for " + platform + "; supported platforms are listed in "
          + "agent-media-native/README.md. Media features stay off; the rest of the SDK works without them.";
    }
    return "add io.livekit.agents:" + ARTIFACT + ":" + version + ":" + platform + " (" + jarName
        + ") to the class path next to " + ARTIFACT + "-" + version + ".jar"
        + (platform.equals("linux-x86_64") ? "" : " (built with the toolchain files in cmake/toolchains; see agent-media-native/README.md)")
        + ", or point -D" + PROP_LIBRARY_PATH + " at a " + System.mapLibraryName(LIBRARY) + " of that version.";
  }

  /**
   * The glibc version a failed load asked for ("version `GLIBC_2.36' not found" from the dynamic linker), or
   * null when no attempt failed that way.
   */
  static String requiredGlibc(List<String> attempts) {
    for (String a : attempts) {
      int i = a.indexOf("GLIBC_");
      if (i >= 0 && a.contains("not found")) {
        int end = i + "GLIBC_".length();
        while (end < a.length() && (Character.isDigit(a.charAt(end)) || a.charAt(end) == '.')) {
          end++;
        }
        while (end > i + "GLIBC_".length() && a.charAt(end - 1) == '.') {
          end--;
        }
        if (end > i + "GLIBC_".length()) {
          return a.substring(i + "GLIBC_".length(), end);
        }
      }
    }
    return null;
  }

  private static void checkJarVersion(ClassLoader cl, String dir, String version, String jarName) throws IOException {
    try (InputStream in = cl.getResourceAsStream(dir + "lkmedia.properties")) {
      if (in == null) {
        throw new IOException(dir + "lkmedia.properties is missing: the native jar is damaged");
      }
      Properties p = new Properties();
      p.load(in);
      String nativeVersion = p.getProperty("version");
      if (!version.equals(nativeVersion)) {
        throw new IOException("the native jar on the class path is version " + nativeVersion
            + " but the Java classes are version " + version + "; use " + jarName);
      }
    }
  }

  private static String extractAndLoad(URL lib, String version, String fileName) throws IOException {
    String configured = System.getProperty(PROP_WORKDIR);
    Path dir = Paths.get(configured != null && !configured.isEmpty() ? configured : System.getProperty("java.io.tmpdir"));
    Files.createDirectories(dir);
    int dot = fileName.lastIndexOf('.');
    Path tmp = Files.createTempFile(dir, fileName.substring(0, dot) + "-" + version + "-", fileName.substring(dot));
    try (InputStream in = lib.openStream()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    boolean keep = Boolean.getBoolean(PROP_KEEP_EXTRACTED);
    try {
      if (!tmp.toFile().setExecutable(true, true)) {
        log.debug("could not mark {} executable", tmp);
      }
      System.load(tmp.toAbsolutePath().toString());
    } catch (UnsatisfiedLinkError e) {
      Files.deleteIfExists(tmp);
      String hint = "";
      String m = String.valueOf(e.getMessage());
      if (m.contains("failed to map segment") || m.contains("Operation not permitted") || m.contains("noexec")) {
        hint = " (" + dir + " may be mounted noexec; set -D" + PROP_WORKDIR + "=<a directory on an exec mount>)";
      }
      throw new IOException("could not load the extracted " + tmp + ": " + m + hint, e);
    }
    // Loaded (the file stays mapped); remove it now on systems that allow that, else at exit.
    if (!keep) {
      try {
        Files.delete(tmp);
      } catch (IOException e) {
        tmp.toFile().deleteOnExit();
      }
    }
    return tmp.toString();
  }
}
