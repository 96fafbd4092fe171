package io.livekit.agents;

import java.util.Objects;

/** What the server said about itself when the worker registered. Immutable. */
public final class ServerInfo {

    private final String version;
    private final String region;
    private final String nodeId;
    private final int agentProtocol;

    /**
     * @param version       the server's version, e.g. {@code 1.13.5}; empty if not sent
     * @param region        the server's region; empty if not sent
     * @param nodeId        the server node's id; empty if not sent
     * @param agentProtocol the agent protocol version the server speaks (1 today); 0 if not sent
     */
    public ServerInfo(String version, String region, String nodeId, int agentProtocol) {
        this.version = Objects.requireNonNull(version, "version");
        this.region = Objects.requireNonNull(region, "region");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.agentProtocol = agentProtocol;
    }

    /** The server's version; empty if not sent. */
    public String version() {
        return version;
    }

    /** The server's region; empty if not sent. */
    public String region() {
        return region;
    }

    /** The server node's id; empty if not sent. */
    public String nodeId() {
        return nodeId;
    }

    /** The agent protocol version; 0 if not sent. */
    public int agentProtocol() {
        return agentProtocol;
    }

    @Override
    public String toString() {
        return "ServerInfo{version=" + version + ", region=" + region + ", nodeId=" + nodeId
                + ", agentProtocol=" + agentProtocol + '}';
    }
}
