package io.livekit.agents.devserver;

/** Test access to what the dev server does not offer publicly. */
public final class DevServerTestHooks {

    private DevServerTestHooks() {
    }

    /**
     * Drops the signalling connection of a room participant without a leave, as a network failure would; the
     * participant's peer connections stay up.
     *
     * @return how many connections were dropped
     */
    public static int dropSignalConnection(DevServer server, String room, String identity) {
        return server.dropSignalConnection(room, identity);
    }

    /**
     * Forgets a room participant as a restarted server would: its signalling connection drops without a leave and
     * the server no longer knows its session, so its resume is declined with Leave{STATE_MISMATCH, RECONNECT}.
     *
     * @return how many sessions were forgotten
     */
    public static int forgetParticipant(DevServer server, String room, String identity) {
        return server.forgetParticipant(room, identity);
    }
}
