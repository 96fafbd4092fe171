package io.livekit.agents;

import io.livekit.agents.room.ParticipantKind;

import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a room participant, as the server sent it with a {@link JobType#PUBLISHER publisher} or
 * {@link JobType#PARTICIPANT participant} job. Immutable; build one with {@link #builder()}.
 */
public final class ParticipantInfo {

    private final String sid;
    private final String identity;
    private final String name;
    private final ParticipantKind kind;
    private final String metadata;
    private final Map<String, String> attributes;

    private ParticipantInfo(Builder b) {
        this.sid = b.sid;
        this.identity = b.identity;
        this.name = b.name;
        this.kind = b.kind;
        this.metadata = b.metadata;
        this.attributes = b.attributes;
    }

    /** A builder; every field defaults to empty, the kind to {@link ParticipantKind#STANDARD}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this participant's values. */
    public Builder toBuilder() {
        return new Builder().sid(sid).identity(identity).name(name).kind(kind).metadata(metadata)
                .attributes(attributes);
    }

    /** The participant's server id ({@code PA_...}); may be empty. */
    public String sid() {
        return sid;
    }

    /** The participant's identity, unique in its room. */
    public String identity() {
        return identity;
    }

    /** The participant's display name; empty if none. */
    public String name() {
        return name;
    }

    /** The participant's kind. */
    public ParticipantKind kind() {
        return kind;
    }

    /** The participant's metadata; empty if none. */
    public String metadata() {
        return metadata;
    }

    /** The participant's attributes; unmodifiable, never null. */
    public Map<String, String> attributes() {
        return attributes;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ParticipantInfo)) {
            return false;
        }
        ParticipantInfo p = (ParticipantInfo) o;
        return sid.equals(p.sid) && identity.equals(p.identity) && name.equals(p.name) && kind == p.kind
                && metadata.equals(p.metadata) && attributes.equals(p.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sid, identity, name, kind, metadata, attributes);
    }

    @Override
    public String toString() {
        return "ParticipantInfo{identity=" + identity + ", sid=" + sid + ", kind=" + kind + '}';
    }

    /** Builds a {@link ParticipantInfo}. Not thread-safe. */
    public static final class Builder {
        private String sid = "";
        private String identity = "";
        private String name = "";
        private ParticipantKind kind = ParticipantKind.STANDARD;
        private String metadata = "";
        private Map<String, String> attributes = Map.of();

        private Builder() {
        }

        /** The server id. */
        public Builder sid(String sid) {
            this.sid = Objects.requireNonNull(sid, "sid");
            return this;
        }

        /** The identity. */
        public Builder identity(String identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** The display name. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The kind. */
        public Builder kind(ParticipantKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** The metadata. */
        public Builder metadata(String metadata) {
            this.metadata = Objects.requireNonNull(metadata, "metadata");
            return this;
        }

        /** The attributes (copied). */
        public Builder attributes(Map<String, String> attributes) {
            this.attributes = Values.copyOf(attributes, "attributes");
            return this;
        }

        /** Builds the immutable value. */
        public ParticipantInfo build() {
            return new ParticipantInfo(this);
        }
    }
}
