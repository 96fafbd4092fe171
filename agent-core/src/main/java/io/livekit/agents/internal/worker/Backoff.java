package io.livekit.agents.internal.worker;

import io.livekit.agents.ReconnectPolicy;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays from a {@link ReconnectPolicy}: {@code min(max, initial × multiplier^(attempt-1))}, spread by
 * ± jitter of itself, never negative and never above the maximum.
 */
final class Backoff {

    private final ReconnectPolicy policy;
    private final DoubleSupplier random;

    Backoff(ReconnectPolicy policy) {
        this(policy, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** With a source of uniform numbers in [0, 1) (tests pin it). */
    Backoff(ReconnectPolicy policy, DoubleSupplier random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * The delay before a reconnect attempt.
     *
     * @param attempt the attempt number, from 1
     */
    Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
        double initial = policy.initialDelay().toNanos();
        double max = policy.maxDelay().toNanos();
        // multiplier^(attempt-1) overflows to infinity for large attempts; min() then caps it.
        double base = Math.min(max, initial * Math.pow(policy.multiplier(), attempt - 1));
        double spread = policy.jitter() * (2.0 * random.getAsDouble() - 1.0);
        double nanos = Math.max(0.0, Math.min(max, base * (1.0 + spread)));
        return Duration.ofNanos((long) nanos);
    }

    /** Whether {@code failedAttempts} consecutive failures use up the policy's attempts. */
    boolean exhausted(int failedAttempts) {
        return failedAttempts >= policy.maxAttempts();
    }
}
