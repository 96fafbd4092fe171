package io.livekit.agents.devserver;

import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitModels.ParticipantPermission;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a registered worker, as the dev server sees it.
 *
 * @param id               the worker id the server assigned ({@code AW_...})
 * @param agentName        the registered agent name ({@code ""}: automatic dispatch)
 * @param namespace        the registered namespace (deprecated by LiveKit; usually {@code ""})
 * @param jobType          the job type the worker serves
 * @param deployment       the registered deployment ({@code ""} when none)
 * @param version          the SDK version the worker reported
 * @param status           the last status the worker reported ({@code WS_AVAILABLE} until it reports one)
 * @param load             the last load the worker reported (0 until it reports one; an update without a load
 *                         sets it to 0, as on LiveKit's server)
 * @param reportedJobCount the last {@code job_count} the worker reported
 * @param runningJobIds    the jobs the server has assigned to this worker and not seen end, in assignment order
 * @param permissions      the participant permissions its agents get (the defaults when it sent none)
 * @param registeredAt     when the worker registered
 * @param migratedJobIds   every job id the worker named in {@code MigrateJobRequest}s on this connection
 * @param apiKey           the API key of the worker's token
 * @param remoteAddress    the worker's address
 */
public record WorkerInfo(String id, String agentName, String namespace, JobType jobType, String deployment,
                         String version, WorkerStatus status, float load, int reportedJobCount,
                         List<String> runningJobIds, ParticipantPermission permissions, Instant registeredAt,
                         List<String> migratedJobIds, String apiKey, String remoteAddress) {

    /** Copies the lists and checks for {@code null}. */
    public WorkerInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(jobType, "jobType");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(status, "status");
        runningJobIds = List.copyOf(runningJobIds);
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(registeredAt, "registeredAt");
        migratedJobIds = List.copyOf(migratedJobIds);
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    /** Whether the worker takes jobs: status {@code WS_AVAILABLE} and load below 1. */
    public boolean isAvailable() {
        return status == WorkerStatus.WS_AVAILABLE && load < 1f;
    }
}
