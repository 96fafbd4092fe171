package io.livekit.agents;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a job offer: accept it (optionally with the identity, name, metadata and attributes of the
 * participant the agent will join the room as), or reject it. Immutable.
 *
 * <pre>{@code
 * JobDecision.accept();                                     // identity "agent-<jobId>"
 * JobDecision.acceptBuilder().identity("transcriber").name("Transcriber")
 *         .attribute("language", "en").build();
 * JobDecision.reject();                                     // the server may offer it to another worker
 * JobDecision.rejectAndTerminate();                         // nobody takes it: the dispatch ends
 * }</pre>
 *
 * <p>When accepted, the worker adds the attribute {@value #AGENT_NAME_ATTRIBUTE} with the worker's agent
 * name, as LiveKit's official workers do (the server adds {@code lk.agent_name} itself).
 */
public final class JobDecision {

    /** The attribute the worker adds to an accepted job's participant: the worker's agent name. */
    public static final String AGENT_NAME_ATTRIBUTE = "lk.agent.name";

    private static final JobDecision ACCEPT = new JobDecision(true, false, null, "", "", Map.of());
    private static final JobDecision REJECT = new JobDecision(false, false, null, "", "", Map.of());
    private static final JobDecision REJECT_TERMINATE = new JobDecision(false, true, null, "", "", Map.of());

    private final boolean accepted;
    private final boolean terminate;
    private final String identity;
    private final String name;
    private final String metadata;
    private final Map<String, String> attributes;

    private JobDecision(boolean accepted, boolean terminate, String identity, String name, String metadata,
                        Map<String, String> attributes) {
        this.accepted = accepted;
        this.terminate = terminate;
        this.identity = identity;
        this.name = name;
        this.metadata = metadata;
        this.attributes = attributes;
    }

    /** Accepts with the default identity {@code agent-<jobId>}, no name, metadata or attributes. */
    public static JobDecision accept() {
        return ACCEPT;
    }

    /**
     * Accepts with the given participant identity.
     *
     * @param identity the identity the agent joins the room as; must not be blank
     */
    public static JobDecision accept(String identity) {
        return acceptBuilder().identity(identity).build();
    }

    /** A builder for an accept with identity, name, metadata and attributes. */
    public static AcceptBuilder acceptBuilder() {
        return new AcceptBuilder();
    }

    /** Rejects; the server offers the job to another worker, if any. */
    public static JobDecision reject() {
        return REJECT;
    }

    /** Rejects and asks the server not to offer the job to anyone else: the dispatch ends without an agent. */
    public static JobDecision rejectAndTerminate() {
        return REJECT_TERMINATE;
    }

    /** Whether the job is accepted. */
    public boolean isAccepted() {
        return accepted;
    }

    /** For a rejection: whether the server should stop offering the job to other workers. */
    public boolean isTerminate() {
        return terminate;
    }

    /** The identity asked for; empty means the default {@code agent-<jobId>}. */
    public Optional<String> participantIdentity() {
        return Optional.ofNullable(identity);
    }

    /** The identity the agent joins as for the given job: the one asked for, else {@code agent-<jobId>}. */
    public String participantIdentityFor(String jobId) {
        return identity != null ? identity : "agent-" + jobId;
    }

    /** The participant's display name; empty if none. */
    public String participantName() {
        return name;
    }

    /** The participant's metadata; empty if none. */
    public String participantMetadata() {
        return metadata;
    }

    /** The participant's attributes as asked for (without {@value #AGENT_NAME_ATTRIBUTE}); unmodifiable. */
    public Map<String, String> participantAttributes() {
        return attributes;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JobDecision)) {
            return false;
        }
        JobDecision d = (JobDecision) o;
        return accepted == d.accepted && terminate == d.terminate && Objects.equals(identity, d.identity)
                && name.equals(d.name) && metadata.equals(d.metadata) && attributes.equals(d.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accepted, terminate, identity, name, metadata, attributes);
    }

    @Override
    public String toString() {
        if (!accepted) {
            return terminate ? "JobDecision{reject, terminate}" : "JobDecision{reject}";
        }
        return "JobDecision{accept" + (identity != null ? ", identity=" + identity : "")
                + (name.isEmpty() ? "" : ", name=" + name) + '}';
    }

    /** Builds an accepting {@link JobDecision}. Not thread-safe. */
    public static final class AcceptBuilder {
        private String identity;
        private String name = "";
        private String metadata = "";
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private AcceptBuilder() {
        }

        /** The identity the agent joins the room as; must not be blank. Default {@code agent-<jobId>}. */
        public AcceptBuilder identity(String identity) {
            this.identity = Values.requireNonBlank(identity, "participant identity");
            return this;
        }

        /** The participant's display name. */
        public AcceptBuilder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The participant's metadata. */
        public AcceptBuilder metadata(String metadata) {
            this.metadata = Objects.requireNonNull(metadata, "metadata");
            return this;
        }

        /** Adds one participant attribute. */
        public AcceptBuilder attribute(String key, String value) {
            attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds participant attributes. */
        public AcceptBuilder attributes(Map<String, String> attributes) {
            attributes.forEach(this::attribute);
            return this;
        }

        /** Builds the decision. */
        public JobDecision build() {
            return new JobDecision(true, false, identity, name, metadata, Values.copyOf(attributes, "attributes"));
        }
    }
}
