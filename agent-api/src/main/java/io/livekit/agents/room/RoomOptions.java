package io.livekit.agents.room;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/** How to connect a {@link Room}. Immutable; build with {@link #builder()}. */
public final class RoomOptions {
  private final boolean autoSubscribe;
  private final Duration connectTimeout;
  private final int maxReconnectAttempts;
  private final Duration reconnectInitialDelay;
  private final Duration reconnectMaxDelay;
  private final Executor eventExecutor;
  private final List<RoomListener> listeners;

  private RoomOptions(Builder b) {
    this.autoSubscribe = b.autoSubscribe;
    this.connectTimeout = b.connectTimeout;
    this.maxReconnectAttempts = b.maxReconnectAttempts;
    this.reconnectInitialDelay = b.reconnectInitialDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.eventExecutor = b.eventExecutor;
    this.listeners = List.copyOf(b.listeners);
  }

  /** Auto-subscribe, 15 s connect timeout, 10 reconnect attempts, 0.5 s..5 s backoff, own event thread. */
  public static RoomOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this object's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.autoSubscribe = autoSubscribe;
    b.connectTimeout = connectTimeout;
    b.maxReconnectAttempts = maxReconnectAttempts;
    b.reconnectInitialDelay = reconnectInitialDelay;
    b.reconnectMaxDelay = reconnectMaxDelay;
    b.eventExecutor = eventExecutor;
    b.listeners.addAll(listeners);
    return b;
  }

  /** Whether the server subscribes this client to every track automatically. */
  public boolean autoSubscribe() {
    return autoSubscribe;
  }

  /** How long {@link Room#connect} waits for the join and the primary peer connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How many resume/rejoin attempts a lost connection gets before the room disconnects for good. */
  public int maxReconnectAttempts() {
    return maxReconnectAttempts;
  }

  public Duration reconnectInitialDelay() {
    return reconnectInitialDelay;
  }

  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /**
   * The executor listener callbacks run on, or null for the room's own thread. Callbacks stay serialised and in
   * order even on a multi-threaded executor; the caller owns (and shuts down) an executor it supplies.
   */
  public Executor eventExecutor() {
    return eventExecutor;
  }

  /** Listeners registered before the first event. */
  public List<RoomListener> listeners() {
    return listeners;
  }

  /** Builder of {@link RoomOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean autoSubscribe = true;
    private Duration connectTimeout = Duration.ofSeconds(15);
    private int maxReconnectAttempts = 10;
    private Duration reconnectInitialDelay = Duration.ofMillis(500);
    private Duration reconnectMaxDelay = Duration.ofSeconds(5);
    private Executor eventExecutor;
    private final List<RoomListener> listeners = new ArrayList<>();

    private Builder() {
    }

    public Builder autoSubscribe(boolean value) {
      this.autoSubscribe = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive(value, "connectTimeout");
      return this;
    }

    public Builder maxReconnectAttempts(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxReconnectAttempts must be >= 0, not " + value);
      }
      this.maxReconnectAttempts = value;
      return this;
    }

    /** Backoff between reconnect attempts: doubles from {@code initial} up to {@code max}, with jitter. */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      this.reconnectInitialDelay = positive(initial, "initial");
      this.reconnectMaxDelay = positive(max, "max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("reconnect max delay " + max + " is below the initial delay " + initial);
      }
      return this;
    }

    /** See {@link RoomOptions#eventExecutor()}; null means the room's own thread. */
    public Builder eventExecutor(Executor value) {
      this.eventExecutor = value;
      return this;
    }

    public Builder addListener(RoomListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public RoomOptions build() {
      return new RoomOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + d);
      }
      return d;
    }
  }
}
