package io.livekit.agents.internal.worker;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Counts the worker's job slots: one is reserved per job offer the worker is considering or has accepted
 * and not yet received, and becomes active when the assignment arrives. Reserved plus active never exceeds
 * the cap, so concurrent offers cannot over-commit the worker. Thread-safe.
 */
final class JobSlots {

    private final int capacity;
    private final Set<String> reserved = new HashSet<>();
    private final Set<String> active = new LinkedHashSet<>();

    JobSlots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Reserves a slot for an offered job; {@code false} when full or the job already holds a slot. */
    synchronized boolean tryReserve(String jobId) {
        if (reserved.size() + active.size() >= capacity || reserved.contains(jobId) || active.contains(jobId)) {
            return false;
        }
        reserved.add(jobId);
        return true;
    }

    /** Turns a reservation into an active job; {@code false} if the job had no reservation. */
    synchronized boolean activate(String jobId) {
        if (!reserved.remove(jobId)) {
            return false;
        }
        active.add(jobId);
        return true;
    }

    /**
     * Adds an active job without a reservation, when the cap allows it (an assignment the worker did not
     * expect); {@code false} when full or known.
     */
    synchronized boolean tryActivateUnreserved(String jobId) {
        if (reserved.size() + active.size() >= capacity || reserved.contains(jobId) || active.contains(jobId)) {
            return false;
        }
        active.add(jobId);
        return true;
    }

    /** Frees the job's slot, reserved or active; {@code false} if it held none. */
    synchronized boolean release(String jobId) {
        return reserved.remove(jobId) | active.remove(jobId);
    }

    synchronized boolean isReserved(String jobId) {
        return reserved.contains(jobId);
    }

    synchronized boolean isActive(String jobId) {
        return active.contains(jobId);
    }

    synchronized int reservedCount() {
        return reserved.size();
    }

    synchronized int activeCount() {
        return active.size();
    }

    /** Whether no slot is free. */
    synchronized boolean isFull() {
        return reserved.size() + active.size() >= capacity;
    }

    int capacity() {
        return capacity;
    }
}
