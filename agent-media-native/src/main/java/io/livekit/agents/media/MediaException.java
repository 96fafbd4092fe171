package io.livekit.agents.media;

/**
 * A native media operation failed. {@link #code()} says why, so callers branch on the kind rather than on
 * exception subclasses; the message names the operation and the cause.
 */
public final class MediaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed; mirrors {@code lkmedia::Status} of the native core. */
  public enum Code {
    /** An argument was out of range (size, rate, stride). */
    BAD_ARGUMENT(-1, "bad argument"),
    /** The output buffer cannot hold the result; nothing was written. */
    BUFFER_TOO_SMALL(-2, "output buffer too small"),
    /** The input bytes are malformed (corrupt packet or bitstream). */
    INVALID_DATA(-3, "invalid data"),
    /** A video decoder needs a key frame first; ask the sender for one (PLI). */
    NEED_KEY_FRAME(-4, "key frame needed"),
    /** A valid request this build or the wrapped library cannot do. */
    UNSUPPORTED(-5, "unsupported"),
    /** The wrapped library failed unexpectedly. */
    INTERNAL_ERROR(-6, "internal error in the native library"),
    /** A non-blocking call found no room or no data. */
    WOULD_BLOCK(-7, "would block"),
    /** The object was closed or cleared while the call waited. */
    CLOSED(-8, "closed"),
    /** A status this version does not know. */
    UNKNOWN(Integer.MIN_VALUE, "unknown native status");

    private final int status;
    private final String description;

    Code(int status, String description) {
      this.status = status;
      this.description = description;
    }

    /** The native status number. */
    public int status() {
      return status;
    }

    /** A short English description. */
    public String description() {
      return description;
    }

    /** The code of a native status number ({@link #UNKNOWN} for anything else). */
    public static Code fromStatus(int status) {
      for (Code c : values()) {
        if (c.status == status) {
          return c;
        }
      }
      return UNKNOWN;
    }
  }

  private final Code code;

  /** An exception of the given kind with a message naming the operation and the fix. */
  public MediaException(Code code, String message) {
    super(message);
    this.code = code;
  }

  /** Why the operation failed. */
  public Code code() {
    return code;
  }
}
