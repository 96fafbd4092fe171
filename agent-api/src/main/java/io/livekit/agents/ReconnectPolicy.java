package io.livekit.agents;

import java.time.Duration;
import java.util.Objects;

/**
 * How the worker reconnects after losing its connection: capped exponential backoff with jitter, reset
 * after each successful registration. Attempt {@code n} (from 1) waits
 * {@code min(maxDelay, initialDelay × multiplier^(n-1))}, randomly spread by ±{@code jitter} of itself and
 * never above {@code maxDelay}. After {@link #maxAttempts()} consecutive failed attempts the worker stops with
 * {@link AgentException.Code#RECONNECT_EXHAUSTED}. Immutable.
 *
 * <p>Defaults: initial delay 500 ms, max delay 10 s (as LiveKit's workers), multiplier 2, jitter 0.2,
 * 16 attempts (as LiveKit's Python worker).
 */
public final class ReconnectPolicy {

    /** {@link #maxAttempts()} for "never give up". */
    public static final int UNLIMITED_ATTEMPTS = Integer.MAX_VALUE;

    private static final ReconnectPolicy DEFAULTS = builder().build();

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;

    private ReconnectPolicy(Builder b) {
        if (b.maxDelay.compareTo(b.initialDelay) < 0) {
            throw new IllegalArgumentException("reconnect maxDelay (" + b.maxDelay + ") must not be below initialDelay ("
                    + b.initialDelay + ")");
        }
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.maxAttempts = b.maxAttempts;
    }

    /** The defaults (see the class description). */
    public static ReconnectPolicy defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        return new Builder().initialDelay(initialDelay).maxDelay(maxDelay).multiplier(multiplier).jitter(jitter)
                .maxAttempts(maxAttempts);
    }

    /** The delay before the first reconnect attempt. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The longest delay between attempts. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** The factor each further attempt's delay grows by. */
    public double multiplier() {
        return multiplier;
    }

    /** The random spread, as a fraction (0..1) of each delay. */
    public double jitter() {
        return jitter;
    }

    /** Consecutive failed attempts before giving up; {@link #UNLIMITED_ATTEMPTS} for never. */
    public int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ReconnectPolicy)) {
            return false;
        }
        ReconnectPolicy p = (ReconnectPolicy) o;
        return initialDelay.equals(p.initialDelay) && maxDelay.equals(p.maxDelay) && multiplier == p.multiplier
                && jitter == p.jitter && maxAttempts == p.maxAttempts;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialDelay, maxDelay, multiplier, jitter, maxAttempts);
    }

    @Override
    public String toString() {
        return "ReconnectPolicy{initialDelay=" + initialDelay + ", maxDelay=" + maxDelay + ", multiplier=" + multiplier
                + ", jitter=" + jitter + ", maxAttempts="
                + (maxAttempts == UNLIMITED_ATTEMPTS ? "unlimited" : String.valueOf(maxAttempts)) + '}';
    }

    /** Builds a {@link ReconnectPolicy}. Not thread-safe. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(10);
        private double multiplier = 2.0;
        private double jitter = 0.2;
        private int maxAttempts = 16;

        private Builder() {
        }

        /** The delay before the first attempt; zero or more. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = WorkerOptions.requireNonNegative(initialDelay, "reconnect initialDelay");
            return this;
        }

        /** The longest delay; not below the initial delay. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = WorkerOptions.requireNonNegative(maxDelay, "reconnect maxDelay");
            return this;
        }

        /** The growth factor; at least 1. */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("reconnect multiplier must be a finite number >= 1, got " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** The random spread as a fraction of each delay, 0..1. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("reconnect jitter must be within 0..1, got " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Consecutive failed attempts before giving up; at least 1, or {@link #UNLIMITED_ATTEMPTS}. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("reconnect maxAttempts must be >= 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Builds the policy. */
        public ReconnectPolicy build() {
            return new ReconnectPolicy(this);
        }
    }
}
