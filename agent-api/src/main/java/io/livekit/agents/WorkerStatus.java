package io.livekit.agents;

/**
 * The state of a {@link Worker}, observable through {@link Worker#status()},
 * {@link WorkerListener#onStatusChanged} and {@link Worker#awaitStatus}.
 *
 * <pre>
 * INITIALIZING ──registered──▶ IDLE ⇄ BUSY ⇄ FULL
 *       │                        │ connection lost            stop()
 *       │                        ▼                             │
 *       │                   DISCONNECTED ──registered again──▶ IDLE/BUSY/FULL ──▶ DRAINING ──▶ STOPPED
 *       └──────── fatal error (bad key/secret, reconnect attempts exhausted) ─────────────────▶ STOPPED
 * </pre>
 */
public enum WorkerStatus {
    /** Created or started, not registered with the server yet. */
    INITIALIZING,
    /** Registered, no job running, taking jobs. */
    IDLE,
    /** Registered, at least one job running, taking more. */
    BUSY,
    /** Registered and reported as full to the server: at the job cap or above the load threshold. */
    FULL,
    /** {@link Worker#stop()} was called: takes no new jobs, waits for running ones to end. */
    DRAINING,
    /** The connection was lost; running jobs keep running while the worker reconnects. */
    DISCONNECTED,
    /** Final: the worker closed its connection and threads. See {@link Worker#failure()} for why, if it failed. */
    STOPPED;

    /** Whether the worker is registered and takes jobs in this state ({@link #IDLE}, {@link #BUSY}, {@link #FULL}). */
    public boolean isReady() {
        return this == IDLE || this == BUSY || this == FULL;
    }
}
