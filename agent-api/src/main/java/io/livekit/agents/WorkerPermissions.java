package io.livekit.agents;

import java.util.Objects;

/**
 * What the agents of a worker may do in the rooms they join. Sent with the registration; the server copies
 * it into every job's room token. Immutable.
 *
 * <p>Defaults, as LiveKit's workers: publish, subscribe, publish data and update own metadata allowed;
 * not hidden; no metrics subscription.
 */
public final class WorkerPermissions {

    private static final WorkerPermissions DEFAULTS = builder().build();

    private final boolean canPublish;
    private final boolean canSubscribe;
    private final boolean canPublishData;
    private final boolean canUpdateMetadata;
    private final boolean hidden;
    private final boolean canSubscribeMetrics;

    private WorkerPermissions(Builder b) {
        this.canPublish = b.canPublish;
        this.canSubscribe = b.canSubscribe;
        this.canPublishData = b.canPublishData;
        this.canUpdateMetadata = b.canUpdateMetadata;
        this.hidden = b.hidden;
        this.canSubscribeMetrics = b.canSubscribeMetrics;
    }

    /** The defaults (see the class description). */
    public static WorkerPermissions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these permissions. */
    public Builder toBuilder() {
        return new Builder().canPublish(canPublish).canSubscribe(canSubscribe).canPublishData(canPublishData)
                .canUpdateMetadata(canUpdateMetadata).hidden(hidden).canSubscribeMetrics(canSubscribeMetrics);
    }

    /** May publish tracks. */
    public boolean canPublish() {
        return canPublish;
    }

    /** May subscribe to tracks. */
    public boolean canSubscribe() {
        return canSubscribe;
    }

    /** May send data packets. */
    public boolean canPublishData() {
        return canPublishData;
    }

    /** May update its own metadata and attributes. */
    public boolean canUpdateMetadata() {
        return canUpdateMetadata;
    }

    /** Is hidden from other participants. */
    public boolean hidden() {
        return hidden;
    }

    /** May subscribe to other participants' metrics. */
    public boolean canSubscribeMetrics() {
        return canSubscribeMetrics;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WorkerPermissions)) {
            return false;
        }
        WorkerPermissions p = (WorkerPermissions) o;
        return canPublish == p.canPublish && canSubscribe == p.canSubscribe && canPublishData == p.canPublishData
                && canUpdateMetadata == p.canUpdateMetadata && hidden == p.hidden
                && canSubscribeMetrics == p.canSubscribeMetrics;
    }

    @Override
    public int hashCode() {
        return Objects.hash(canPublish, canSubscribe, canPublishData, canUpdateMetadata, hidden, canSubscribeMetrics);
    }

    @Override
    public String toString() {
        return "WorkerPermissions{publish=" + canPublish + ", subscribe=" + canSubscribe + ", publishData="
                + canPublishData + ", updateMetadata=" + canUpdateMetadata + ", hidden=" + hidden
                + ", subscribeMetrics=" + canSubscribeMetrics + '}';
    }

    /** Builds {@link WorkerPermissions}. Not thread-safe. */
    public static final class Builder {
        private boolean canPublish = true;
        private boolean canSubscribe = true;
        private boolean canPublishData = true;
        private boolean canUpdateMetadata = true;
        private boolean hidden;
        private boolean canSubscribeMetrics;

        private Builder() {
        }

        /** May publish tracks. */
        public Builder canPublish(boolean v) {
            this.canPublish = v;
            return this;
        }

        /** May subscribe to tracks. */
        public Builder canSubscribe(boolean v) {
            this.canSubscribe = v;
            return this;
        }

        /** May send data packets. */
        public Builder canPublishData(boolean v) {
            this.canPublishData = v;
            return this;
        }

        /** May update its own metadata. */
        public Builder canUpdateMetadata(boolean v) {
            this.canUpdateMetadata = v;
            return this;
        }

        /** Hidden from other participants. */
        public Builder hidden(boolean v) {
            this.hidden = v;
            return this;
        }

        /** May subscribe to metrics. */
        public Builder canSubscribeMetrics(boolean v) {
            this.canSubscribeMetrics = v;
            return this;
        }

        /** Builds the value. */
        public WorkerPermissions build() {
            return new WorkerPermissions(this);
        }
    }
}
