package io.livekit.agents.devserver.internal.dispatch;

import io.livekit.agents.devserver.WorkerInfo;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitModels.ParticipantPermission;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * One worker connection on {@code /agent}, before and after it registers. The connection side creates it; the
 * fields below the link are read and written on the dispatch thread only.
 */
public final class WorkerSession {

    final WorkerLink link;
    final String apiKey;
    final String apiSecret;
    final int protocolVersion;

    // dispatch thread only
    boolean registered;
    boolean closed;
    String id;
    String agentName = "";
    String namespace = "";
    JobType jobType = JobType.JT_ROOM;
    String deployment = "";
    String version = "";
    ParticipantPermission permissions = ParticipantPermission.getDefaultInstance();
    WorkerStatus status = WorkerStatus.WS_AVAILABLE;
    float load;
    int reportedJobCount;
    Instant registeredAt;
    ScheduledFuture<?> registerTimer;
    final Map<String, JobRecord> runningJobs = new LinkedHashMap<>();
    final Map<String, Offer> pendingOffers = new LinkedHashMap<>();
    final List<String> migratedJobIds = new ArrayList<>();

    /**
     * @param link            the connection
     * @param apiKey          the API key of the worker's token
     * @param apiSecret       its secret, which signs the job tokens of this worker
     * @param protocolVersion the {@code protocol} query parameter (1 when absent)
     */
    public WorkerSession(WorkerLink link, String apiKey, String apiSecret, int protocolVersion) {
        this.link = link;
        this.apiKey = apiKey;
        this.apiSecret = apiSecret;
        this.protocolVersion = protocolVersion;
    }

    PoolKey poolKey() {
        return new PoolKey(agentName, namespace, jobType, deployment);
    }

    void send(ServerMessage m) {
        if (!closed) {
            link.send(m);
        }
    }

    WorkerInfo snapshot() {
        return new WorkerInfo(id == null ? "" : id, agentName, namespace, jobType, deployment, version, status, load,
                reportedJobCount, new ArrayList<>(runningJobs.keySet()), permissions,
                registeredAt == null ? Instant.EPOCH : registeredAt, migratedJobIds, apiKey, link.remoteAddress());
    }

    @Override
    public String toString() {
        return id == null ? "unregistered worker at " + link.remoteAddress()
                : "worker " + id + " (" + poolKey() + ")";
    }
}
