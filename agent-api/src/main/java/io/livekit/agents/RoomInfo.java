package io.livekit.agents;

import java.util.Objects;

/**
 * A snapshot of the room a job belongs to, as the server sent it with the job offer. Immutable.
 */
public final class RoomInfo {

    private final String sid;
    private final String name;
    private final String metadata;

    private RoomInfo(String sid, String name, String metadata) {
        this.sid = Objects.requireNonNull(sid, "sid");
        this.name = Objects.requireNonNull(name, "name");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
    }

    /**
     * Creates a room snapshot.
     *
     * @param sid      the room's server id ({@code RM_...}); may be empty
     * @param name     the room's name
     * @param metadata the room's metadata; empty if none
     */
    public static RoomInfo of(String sid, String name, String metadata) {
        return new RoomInfo(sid, name, metadata);
    }

    /** The room's server id ({@code RM_...}), or an empty string when the server did not send one. */
    public String sid() {
        return sid;
    }

    /** The room's name. */
    public String name() {
        return name;
    }

    /** The room's metadata at dispatch time; empty if none. */
    public String metadata() {
        return metadata;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RoomInfo)) {
            return false;
        }
        RoomInfo r = (RoomInfo) o;
        return sid.equals(r.sid) && name.equals(r.name) && metadata.equals(r.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sid, name, metadata);
    }

    @Override
    public String toString() {
        return "RoomInfo{sid=" + sid + ", name=" + name + '}';
    }
}
