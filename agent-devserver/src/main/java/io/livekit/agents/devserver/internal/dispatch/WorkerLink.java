package io.livekit.agents.devserver.internal.dispatch;

import livekit.LivekitAgent.ServerMessage;

/** The connection side of a worker session: how the dispatcher talks to one WebSocket. Thread-safe. */
public interface WorkerLink {

    /** Sends a message in the connection's current framing (binary protobuf, or protojson text). */
    void send(ServerMessage message);

    /**
     * Closes the connection with a WebSocket close frame.
     *
     * @param code   the close status code
     * @param reason the reason, in words (cut to the 123 bytes a close frame can carry)
     */
    void close(int code, String reason);

    /** The peer's address, for logs. */
    String remoteAddress();
}
