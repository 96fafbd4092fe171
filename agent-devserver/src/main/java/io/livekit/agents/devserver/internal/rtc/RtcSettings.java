package io.livekit.agents.devserver.internal.rtc;

import livekit.LivekitModels.ServerInfo;

import java.time.Duration;

/**
 * The room signalling configuration.
 *
 * @param serverInfo         sent in JoinResponse and ReconnectResponse (a semver version, protocol 17)
 * @param pingInterval       how often clients ping (JoinResponse {@code ping_interval}, seconds, above 0)
 * @param pingTimeout        how long clients wait for any message (JoinResponse {@code ping_timeout}, seconds); a
 *                           signalling connection silent for longer is closed by the server too
 * @param participantTimeout how long a participant whose signalling connection dropped without a leave waits for a
 *                           resume, and how long a new participant has to connect its peer connection
 * @param maxMessageBytes    the largest signal message accepted; a larger one closes the connection
 */
public record RtcSettings(ServerInfo serverInfo, int pingInterval, int pingTimeout, Duration participantTimeout,
                          int maxMessageBytes) {
}
