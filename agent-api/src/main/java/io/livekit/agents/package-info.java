/**
 * The public API of LiveKit Agents for the JVM: the {@link io.livekit.agents.Worker} users start, the
 * {@link io.livekit.agents.JobHandler} they write, the job model, options, statuses and the one exception type.
 * Nothing here depends on Netty or protobuf; the implementation lives in {@code agent-core}.
 */
package io.livekit.agents;
