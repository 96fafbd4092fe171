package io.livekit.agents.media.internal;

import io.livekit.agents.media.MediaException;

/** Turns the native status codes ({@code lkmedia/status.h}) into results or {@link MediaException}s. */
public final class Status {
  private Status() {}

  /**
   * Returns {@code status} when it is a count ({@code >= 0}); throws a {@link MediaException} that names
   * {@code operation} otherwise. Pass a constant: a message built per call would allocate on the hot
   * path; use {@link #failure} for messages with details.
   */
  public static int check(int status, String operation) {
    if (status >= 0) {
      return status;
    }
    throw failure(status, operation);
  }

  /** The exception for a negative {@code status}: {@code if (r < 0) throw Status.failure(r, "...")}. */
  public static MediaException failure(int status, String operation) {
    MediaException.Code code = MediaException.Code.fromStatus(status);
    return new MediaException(code, operation + " failed: " + code.description());
  }
}
