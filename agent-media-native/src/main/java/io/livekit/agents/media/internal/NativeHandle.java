package io.livekit.agents.media.internal;

import org.bytedeco.javacpp.Pointer;

/**
 * Owns one native object for a public class: {@link #get()} fails with a clear message once
 * {@link #close()} ran, and {@code close()} frees the native object at once and only once.
 *
 * <p>Not for concurrent use, like the objects it holds: callers confine each instance to one thread at a
 * time. {@code close()} itself is safe to call twice and from any thread that no longer uses it.
 */
public final class NativeHandle<B extends Pointer> implements AutoCloseable {
  private final String owner;
  private B binding;

  public NativeHandle(String owner, B binding) {
    this.owner = owner;
    this.binding = binding;
  }

  /** The native object; {@link IllegalStateException} after {@link #close()}. */
  public B get() {
    B b = binding;
    if (b == null) {
      throw new IllegalStateException(owner + " is closed");
    }
    return b;
  }

  /** True after {@link #close()}. */
  public boolean isClosed() {
    return binding == null;
  }

  @Override
  public synchronized void close() {
    B b = binding;
    if (b != null) {
      binding = null;
      b.deallocate();
    }
  }
}
