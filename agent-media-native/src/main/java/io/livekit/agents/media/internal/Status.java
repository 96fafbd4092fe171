package io.livekit.agents.media.internal;

import io.livekit.agents.media.MediaException;

/** Turns the native status codes ({@code lkmedia/status.h}) into results or {@link MediaException}s. */
public final class Status {
  private Status() {}

  /**
   * Returns {@code status} when it is a count ({@code >= 0}); throws a {@link MediaException} that names
   * {@code operation} otherwise.
   */
  public static int check(int status, String operation) {
    if (status >= 0) {
      return status;
    }
    throw new MediaException(MediaException.Code.fromStatus(status), operation + " failed: " + MediaException.Code.fromStatus(status).description());
  }
}
