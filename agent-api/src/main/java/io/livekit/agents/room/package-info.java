/**
 * The room model of an agent: a connected {@link io.livekit.agents.room.Room}, its
 * {@link io.livekit.agents.room.LocalParticipant local} and {@link io.livekit.agents.room.RemoteParticipant remote}
 * participants, their track publications and tracks, data packets, and the media frame, source and stream types.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Every {@link io.livekit.agents.room.RoomListener} callback of one room runs on that room's <em>event
 *       executor</em> (a single named thread {@code lk-room-events-<room>} unless {@link
 *       io.livekit.agents.room.RoomOptions.Builder#eventExecutor} supplies one), one at a time, in the order the
 *       events happened. Never on a socket thread or a WebRTC thread. Callbacks must not block for long: the next
 *       event waits for them.</li>
 *   <li>The getters of {@code Room}, participants and publications may be called from any thread; they return
 *       a consistent value as of the last event delivered or about to be delivered.</li>
 *   <li>Blocking calls ({@link io.livekit.agents.room.LocalParticipant#publishTrack}, {@link
 *       io.livekit.agents.room.Room#disconnect()}, {@link io.livekit.agents.room.AudioSource#write}, stream reads)
 *       may be made from any thread except the room's event thread, where they would wait for themselves;
 *       there they fail at once with {@link io.livekit.agents.AgentException.Code#WRONG_THREAD}.</li>
 *   <li>Media: remote audio frames are produced on WebRTC's audio thread and handed over to a bounded queue;
 *       the consumer reads them on its own thread. Local audio is paced by a dedicated thread
 *       {@code lk-audio-pacer-<track>}, local video by {@code lk-video-pacer-<track>}; a video track paced by an
 *       audio clock is pushed by that audio track's pacer thread. These threads carry the logging context (MDC) of
 *       the thread that created the track, and the room's own threads that of the thread that connected it.</li>
 *   <li>Natives: the media paths use the native media core ({@code agent-media-native}: playout buffer, A/V pacer,
 *       resampler, colour conversion) when it loads on this machine; without it they fall back to Java and
 *       libwebrtc code and log one warning.</li>
 * </ul>
 *
 * <p>No type of this package exposes WebRTC, Netty or protobuf classes. The implementation lives in
 * {@code agent-core} and is found through {@link io.livekit.agents.room.RoomConnector} ({@link java.util.ServiceLoader}).
 */
package io.livekit.agents.room;

import io.livekit.agents.AgentException;
