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
 *   <li>{@code /rtc}: rooms with media for small groups, in LiveKit's signal protocol v0 as current clients
 *       (the browser SDK {@code livekit-client}, {@code @livekit/rtc-node}, the Java room client) need it: the token
 *       from {@code Authorization: Bearer} or {@code access_token} checked before the upgrade (401/400/403/404 with the
 *       reason as text), {@code /rtc/validate}, 404 on {@code /rtc/v1} and {@code /rtc/v1/validate} so clients fall
 *       back to v0, a JoinResponse with {@code RM_}/{@code PA_}/{@code TR_} ids, a semver server version and pings,
 *       subscriber-primary dual peer connections (the server offers the subscriber side with the {@code _reliable}
 *       and {@code _lossy} channels right after the join and answers publisher offers with their id), every
 *       published track forwarded to the subscribers through webrtc-java (decoded and re-encoded per subscriber;
 *       the participant update goes out before the offer, msid {@code PA_x|TR_y}), chosen subscriptions, mute,
 *       data packets routed with the sender stamped, destinations honoured, {@code canPublishData} respected and
 *       reliable duplicates dropped, active-speaker updates measured from the received audio, metadata updates
 *       answered with a RequestResponse, resumes (ReconnectResponse and an ICE-restart offer; a session the server
 *       does not know gets Leave{STATE_MISMATCH, RECONNECT}), duplicate identities (the older session gets
 *       Leave{DUPLICATE_IDENTITY}), and participants whose connection dropped removed after
 *       {@link io.livekit.agents.devserver.DevServer.Builder#participantTimeout}. Rooms are created on join, with
 *       the join token's {@code roomConfig} when that join creates them; participant joins and first publications
 *       launch participant and publisher jobs as LiveKit's server does (never for agents, egress or recorders); an
 *       agent leaving its room fails its job with "agent worker left the room", and the agent of a deleted dispatch
 *       that has not left 3 s later is removed;</li>
 *   <li>Twirp {@code livekit.RoomService} (CreateRoom with {@code agents}, ListRooms, DeleteRoom with
 *       Leave{ROOM_DELETED}, ListParticipants, GetParticipant, RemoveParticipant, MutePublishedTrack, UpdateParticipant,
 *       SendData, UpdateRoomMetadata) and {@code livekit.AgentDispatchService} (CreateDispatch, ListDispatch,
 *       DeleteDispatch) with protobuf and JSON bodies and the grants LiveKit demands;</li>
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
 *       the next start, but forgets their participants (as a restarted server does: their resumes are declined
 *       and they rejoin).</li>
 *   <li>Only signal protocol v0 (dual peer connections); clients fall back to it from v1. Media is decoded and
 *       re-encoded for each subscriber (no simulcast layers, no RTP pass-through): fine for a few participants,
 *       not for load. No TURN, no ICE servers: clients must reach the server's host candidates.</li>
 *   <li>A participant whose signalling dropped is removed after the participant timeout (20 s by default) unless
 *       it resumes; LiveKit keeps it while its media connection lives.</li>
 * </ul>
 * Rooms with only agents (or egress) in them close after their empty or departure timeout, telling the agents
 * Leave{ROOM_CLOSED}.
 *
 * <p>Run it from a shell with {@code java -jar agent-devserver.jar --dev} ({@link io.livekit.agents.devserver.DevServerMain}),
 * embed it with {@link io.livekit.agents.devserver.DevServer#builder()}, or use it in JUnit 5 tests through
 * {@link io.livekit.agents.devserver.junit.DevServerExtension}.
 */
package io.livekit.agents.devserver;
