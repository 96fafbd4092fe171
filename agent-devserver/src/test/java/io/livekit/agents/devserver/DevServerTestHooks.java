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
}
