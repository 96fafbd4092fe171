/**
 * An embedded LiveKit-compatible server for developing and testing agents without a LiveKit deployment.
 *
 * <p>{@link io.livekit.agents.devserver.DevServer} serves, on one HTTP port:
 * <ul>
 *   <li>{@code /agent}: the worker protocol, server side, as LiveKit's open-source server runs it: token check at
 *       the upgrade (HS256, {@code exp} required, {@code video.agent}), {@code register} first within 10 s,
 *       {@code WorkerPing}/{@code WorkerPong} at any time, WebSocket pings every 10 s, pools keyed by
 *       (agent name, namespace, job type, deployment), automatic dispatch of room jobs to unnamed workers when a
 *       room is created, explicit dispatch by agent name, weighted choice by {@code 1 - load} among available
 *       workers (only when one reports a load below {@code target_load}), fall-over to the next worker on a
 *       refusal or a closed connection, {@code terminate} ending the offer, job tokens built like LiveKit's
 *       {@code BuildAgentToken}, job states in Unix nanoseconds, {@code JobTermination} on DeleteDispatch
 *       ({@code JS_SUCCESS}) and on a closed room ({@code JS_FAILED "agent worker left the room"}),
 *       {@code SimulateJobRequest}, and protobuf or protojson frames;</li>
 *   <li>Twirp {@code livekit.RoomService} (CreateRoom with {@code agents}, ListRooms, DeleteRoom,
 *       ListParticipants) and {@code livekit.AgentDispatchService} (CreateDispatch, ListDispatch, DeleteDispatch)
 *       with protobuf and JSON bodies and the grants LiveKit demands;</li>
 *   <li>{@code GET /}: 200 {@code OK}.</li>
 * </ul>
 * Bad input closes only the connection it came on, with a WebSocket close reason; other workers carry on.
 *
 * <p>Where it differs from LiveKit's open-source server, on purpose:
 * <ul>
 *   <li>{@link io.livekit.agents.devserver.DispatchMode#LENIENT} (not the default) gives each worker the whole
 *       availability timeout, retries after a timeout, and re-attaches jobs named in a {@code MigrateJobRequest}.</li>
 *   <li>ListDispatch shows each job's live state (LiveKit shows the state at assignment until the dispatch is
 *       deleted).</li>
 *   <li>Closing a room terminates its running jobs even if their agents never joined (LiveKit ends a job when its
 *       agent participant is removed).</li>
 *   <li>Jobs are offered at once (LiveKit's RPC layer first collects node claims for up to about 200 ms).</li>
 *   <li>Twirp errors, including refused tokens, are Twirp JSON with the reason in {@code msg}.</li>
 *   <li>Rooms and dispatches live in memory; {@link io.livekit.agents.devserver.DevServer#stop()} keeps them for
 *       the next start.</li>
 * </ul>
 * Rooms have no participants until the room signalling endpoint exists; JT_PUBLISHER and JT_PARTICIPANT jobs
 * come only from {@code SimulateJobRequest} for now.
 *
 * <p>Run it from a shell with {@code java -jar agent-devserver.jar --dev} ({@link io.livekit.agents.devserver.DevServerMain}),
 * embed it with {@link io.livekit.agents.devserver.DevServer#builder()}, or use it in JUnit 5 tests through
 * {@link io.livekit.agents.devserver.junit.DevServerExtension}.
 */
package io.livekit.agents.devserver;
