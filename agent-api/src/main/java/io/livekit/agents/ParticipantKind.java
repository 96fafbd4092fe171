package io.livekit.agents;

/** The kind of a room participant, as LiveKit reports it. */
public enum ParticipantKind {
    /** A regular client (browser, mobile, server SDK). */
    STANDARD,
    /** An ingress (RTMP/WHIP/URL input). */
    INGRESS,
    /** An egress (recording, streaming out). */
    EGRESS,
    /** A telephone call through LiveKit SIP. */
    SIP,
    /** An agent, such as the participants workers join rooms as. */
    AGENT,
    /** A connector (e.g. a bridged third-party service). */
    CONNECTOR,
    /** A bridge participant. */
    BRIDGE,
    /** A kind this SDK version does not know; the server is newer than the SDK. */
    UNKNOWN
}
