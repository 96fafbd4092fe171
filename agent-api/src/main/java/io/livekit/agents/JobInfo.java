package io.livekit.agents;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job as the server described it in its offer: which room, which participant (for publisher and
 * participant jobs), which dispatch, with what metadata. Immutable; build one with {@link #builder()}
 * (useful in tests of your own handlers).
 */
public final class JobInfo {

    private final String id;
    private final JobType type;
    private final RoomInfo room;
    private final ParticipantInfo participant;
    private final String metadata;
    private final String agentName;
    private final String dispatchId;
    private final Map<String, String> attributes;
    private final boolean recordingEnabled;

    private JobInfo(Builder b) {
        this.id = Values.requireNonBlank(b.id, "job id");
        this.type = b.type;
        this.room = Objects.requireNonNull(b.room, "room");
        this.participant = b.participant;
        this.metadata = b.metadata;
        this.agentName = b.agentName;
        this.dispatchId = b.dispatchId;
        this.attributes = b.attributes;
        this.recordingEnabled = b.recordingEnabled;
    }

    /** A builder; {@link Builder#id id} and {@link Builder#room room} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this job's values. */
    public Builder toBuilder() {
        return new Builder().id(id).type(type).room(room).participant(participant).metadata(metadata)
                .agentName(agentName).dispatchId(dispatchId).attributes(attributes).recordingEnabled(recordingEnabled);
    }

    /** The job id ({@code AJ_...}), unique on the server. */
    public String id() {
        return id;
    }

    /** The job type. */
    public JobType type() {
        return type;
    }

    /** The room the job belongs to. */
    public RoomInfo room() {
        return room;
    }

    /** The publisher or participant the job is about; empty for {@link JobType#ROOM room} jobs. */
    public Optional<ParticipantInfo> participant() {
        return Optional.ofNullable(participant);
    }

    /** The dispatch's metadata (the string given to {@code CreateDispatch} or the room's agent list); empty if none. */
    public String metadata() {
        return metadata;
    }

    /** The agent name the job was dispatched to; empty for automatic dispatch. */
    public String agentName() {
        return agentName;
    }

    /** The dispatch id ({@code AD_...}); empty for simulated jobs. */
    public String dispatchId() {
        return dispatchId;
    }

    /** The dispatch's attributes (newer servers only); unmodifiable, never null. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** Whether the server asks for user-data recording ({@code agents.enable_user_data_recording}). */
    public boolean recordingEnabled() {
        return recordingEnabled;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JobInfo)) {
            return false;
        }
        JobInfo j = (JobInfo) o;
        return id.equals(j.id) && type == j.type && room.equals(j.room) && Objects.equals(participant, j.participant)
                && metadata.equals(j.metadata) && agentName.equals(j.agentName) && dispatchId.equals(j.dispatchId)
                && attributes.equals(j.attributes) && recordingEnabled == j.recordingEnabled;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, room, participant, metadata, agentName, dispatchId, attributes);
    }

    @Override
    public String toString() {
        return "JobInfo{id=" + id + ", type=" + type + ", room=" + room.name()
                + (participant != null ? ", participant=" + participant.identity() : "")
                + (agentName.isEmpty() ? "" : ", agentName=" + agentName)
                + (dispatchId.isEmpty() ? "" : ", dispatchId=" + dispatchId) + '}';
    }

    /** Builds a {@link JobInfo}. Not thread-safe. */
    public static final class Builder {
        private String id;
        private JobType type = JobType.ROOM;
        private RoomInfo room;
        private ParticipantInfo participant;
        private String metadata = "";
        private String agentName = "";
        private String dispatchId = "";
        private Map<String, String> attributes = Map.of();
        private boolean recordingEnabled;

        private Builder() {
        }

        /** The job id (required, not blank). */
        public Builder id(String id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The job type; defaults to {@link JobType#ROOM}. */
        public Builder type(JobType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /** The room (required). */
        public Builder room(RoomInfo room) {
            this.room = Objects.requireNonNull(room, "room");
            return this;
        }

        /** The participant; {@code null} for none. */
        public Builder participant(ParticipantInfo participant) {
            this.participant = participant;
            return this;
        }

        /** The dispatch metadata. */
        public Builder metadata(String metadata) {
            this.metadata = Objects.requireNonNull(metadata, "metadata");
            return this;
        }

        /** The agent name. */
        public Builder agentName(String agentName) {
            this.agentName = Objects.requireNonNull(agentName, "agentName");
            return this;
        }

        /** The dispatch id. */
        public Builder dispatchId(String dispatchId) {
            this.dispatchId = Objects.requireNonNull(dispatchId, "dispatchId");
            return this;
        }

        /** The dispatch attributes (copied). */
        public Builder attributes(Map<String, String> attributes) {
            this.attributes = Values.copyOf(attributes, "attributes");
            return this;
        }

        /** Whether recording of user data is enabled. */
        public Builder recordingEnabled(boolean recordingEnabled) {
            this.recordingEnabled = recordingEnabled;
            return this;
        }

        /** Builds the immutable value. */
        public JobInfo build() {
            return new JobInfo(this);
        }
    }
}
