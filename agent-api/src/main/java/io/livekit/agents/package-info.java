/**
 * The public API of LiveKit Agents for the JVM: the {@link io.livekit.agents.Worker} users start, the
 * {@link io.livekit.agents.JobHandler} they write (or its typed flavours {@link io.livekit.agents.RoomHandler},
 * {@link io.livekit.agents.ParticipantHandler} and {@link io.livekit.agents.PublisherHandler}, which run with the
 * job's room connected and receive its {@link io.livekit.agents.RoomJobListener events}), the job model, options,
 * statuses and the one exception type, {@link io.livekit.agents.AgentException}. The room model is in
 * {@link io.livekit.agents.room}. Nothing here depends on Netty or protobuf; the implementation lives in
 * {@code agent-core}.
 */
package io.livekit.agents;
