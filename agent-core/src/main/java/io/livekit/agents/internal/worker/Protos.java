package io.livekit.agents.internal.worker;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobStatus;
import io.livekit.agents.JobType;
import io.livekit.agents.ParticipantInfo;
import io.livekit.agents.RoomInfo;
import io.livekit.agents.ServerInfo;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.WorkerPermissions;
import io.livekit.agents.room.ParticipantKind;
import livekit.LivekitAgent;
import livekit.LivekitModels;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Converts between LiveKit's protocol messages and the API's values. */
final class Protos {

    /** {@code Job.attributes}: newer than the protocol classes we build against, read from the unknown fields. */
    static final int JOB_ATTRIBUTES_FIELD = 12;

    private Protos() {
    }

    static LivekitAgent.JobType jobType(JobType type) {
        switch (type) {
            case ROOM:
                return LivekitAgent.JobType.JT_ROOM;
            case PUBLISHER:
                return LivekitAgent.JobType.JT_PUBLISHER;
            case PARTICIPANT:
                return LivekitAgent.JobType.JT_PARTICIPANT;
            default:
                throw new IllegalArgumentException("unknown job type " + type);
        }
    }

    static JobType jobType(int wireValue) {
        switch (wireValue) {
            case LivekitAgent.JobType.JT_ROOM_VALUE:
                return JobType.ROOM;
            case LivekitAgent.JobType.JT_PUBLISHER_VALUE:
                return JobType.PUBLISHER;
            case LivekitAgent.JobType.JT_PARTICIPANT_VALUE:
                return JobType.PARTICIPANT;
            default:
                throw new IllegalArgumentException("job type " + wireValue + " is unknown to this SDK");
        }
    }

    static LivekitAgent.JobStatus jobStatus(JobStatus status) {
        switch (status) {
            case PENDING:
                return LivekitAgent.JobStatus.JS_PENDING;
            case RUNNING:
                return LivekitAgent.JobStatus.JS_RUNNING;
            case SUCCESS:
                return LivekitAgent.JobStatus.JS_SUCCESS;
            case FAILED:
                return LivekitAgent.JobStatus.JS_FAILED;
            default:
                throw new IllegalArgumentException("unknown job status " + status);
        }
    }

    static ParticipantKind kind(int wireValue) {
        switch (wireValue) {
            case LivekitModels.ParticipantInfo.Kind.STANDARD_VALUE:
                return ParticipantKind.STANDARD;
            case LivekitModels.ParticipantInfo.Kind.INGRESS_VALUE:
                return ParticipantKind.INGRESS;
            case LivekitModels.ParticipantInfo.Kind.EGRESS_VALUE:
                return ParticipantKind.EGRESS;
            case LivekitModels.ParticipantInfo.Kind.SIP_VALUE:
                return ParticipantKind.SIP;
            case LivekitModels.ParticipantInfo.Kind.AGENT_VALUE:
                return ParticipantKind.AGENT;
            case LivekitModels.ParticipantInfo.Kind.CONNECTOR_VALUE:
                return ParticipantKind.CONNECTOR;
            case LivekitModels.ParticipantInfo.Kind.BRIDGE_VALUE:
                return ParticipantKind.BRIDGE;
            default:
                return ParticipantKind.UNKNOWN;
        }
    }

    /**
     * The API view of a job.
     *
     * @throws IllegalArgumentException if the job has no id or an unknown type
     */
    static JobInfo job(LivekitAgent.Job job) {
        if (job.getId().isEmpty()) {
            throw new IllegalArgumentException("job without an id");
        }
        LivekitModels.Room room = job.getRoom();
        JobInfo.Builder b = JobInfo.builder()
                .id(job.getId())
                .type(jobType(job.getTypeValue()))
                .room(RoomInfo.of(room.getSid(), room.getName(), room.getMetadata()))
                .metadata(job.getMetadata())
                .agentName(job.getAgentName())
                .dispatchId(job.getDispatchId())
                .attributes(stringMap(job.getUnknownFields(), JOB_ATTRIBUTES_FIELD))
                .recordingEnabled(job.getEnableRecording());
        if (job.hasParticipant()) {
            b.participant(participant(job.getParticipant()));
        }
        return b.build();
    }

    static ParticipantInfo participant(LivekitModels.ParticipantInfo p) {
        return ParticipantInfo.builder()
                .sid(p.getSid())
                .identity(p.getIdentity())
                .name(p.getName())
                .kind(kind(p.getKindValue()))
                .metadata(p.getMetadata())
                .attributes(p.getAttributesMap())
                .build();
    }

    /** A {@code map<string,string>} field kept among a message's unknown fields; empty if absent or garbled. */
    static Map<String, String> stringMap(UnknownFieldSet unknown, int fieldNumber) {
        if (!unknown.hasField(fieldNumber)) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (ByteString entry : unknown.getField(fieldNumber).getLengthDelimitedList()) {
            try {
                UnknownFieldSet e = UnknownFieldSet.parseFrom(entry);
                String key = firstString(e, 1);
                String value = firstString(e, 2);
                out.put(key, value);
            } catch (InvalidProtocolBufferException ex) {
                // a garbled entry is skipped, the others kept
            }
        }
        return out;
    }

    private static String firstString(UnknownFieldSet set, int field) {
        if (!set.hasField(field)) {
            return "";
        }
        var list = set.getField(field).getLengthDelimitedList();
        return list.isEmpty() ? "" : list.get(list.size() - 1).toStringUtf8();
    }

    static ServerInfo serverInfo(LivekitAgent.RegisterWorkerResponse r) {
        LivekitModels.ServerInfo s = r.getServerInfo();
        return new ServerInfo(s.getVersion(), s.getRegion(), s.getNodeId(), s.getAgentProtocol());
    }

    static LivekitAgent.WorkerMessage register(WorkerOptions options, JobType type) {
        WorkerPermissions p = options.permissions();
        LivekitAgent.RegisterWorkerRequest.Builder r = LivekitAgent.RegisterWorkerRequest.newBuilder()
                .setType(jobType(type))
                .setAgentName(options.agentName())
                .setVersion(options.version())
                .setPingInterval((int) Math.min(Integer.MAX_VALUE, Math.max(1, options.pingInterval().toSeconds())))
                .setAllowedPermissions(LivekitModels.ParticipantPermission.newBuilder()
                        .setCanPublish(p.canPublish())
                        .setCanSubscribe(p.canSubscribe())
                        .setCanPublishData(p.canPublishData())
                        .setCanUpdateMetadata(p.canUpdateMetadata())
                        .setHidden(p.hidden())
                        .setCanSubscribeMetrics(p.canSubscribeMetrics())
                        .setAgent(true));
        options.namespace().ifPresent(r::setNamespace);
        return LivekitAgent.WorkerMessage.newBuilder().setRegister(r).build();
    }

    static LivekitAgent.WorkerMessage accept(String jobId, JobDecision d, String agentName) {
        Map<String, String> attributes = new LinkedHashMap<>(d.participantAttributes());
        attributes.put(JobDecision.AGENT_NAME_ATTRIBUTE, agentName);
        return LivekitAgent.WorkerMessage.newBuilder().setAvailability(LivekitAgent.AvailabilityResponse.newBuilder()
                .setJobId(jobId)
                .setAvailable(true)
                .setParticipantIdentity(d.participantIdentityFor(jobId))
                .setParticipantName(d.participantName())
                .setParticipantMetadata(d.participantMetadata())
                .putAllParticipantAttributes(attributes)).build();
    }

    static LivekitAgent.WorkerMessage reject(String jobId, boolean terminate) {
        return LivekitAgent.WorkerMessage.newBuilder().setAvailability(LivekitAgent.AvailabilityResponse.newBuilder()
                .setJobId(jobId)
                .setAvailable(false)
                .setTerminate(terminate)).build();
    }

    static LivekitAgent.WorkerMessage jobStatus(String jobId, JobStatus status, String error) {
        return LivekitAgent.WorkerMessage.newBuilder().setUpdateJob(LivekitAgent.UpdateJobStatus.newBuilder()
                .setJobId(jobId)
                .setStatus(jobStatus(status))
                .setError(error)).build();
    }

    static LivekitAgent.WorkerMessage workerStatus(boolean full, double load, int jobCount) {
        return LivekitAgent.WorkerMessage.newBuilder().setUpdateWorker(LivekitAgent.UpdateWorkerStatus.newBuilder()
                .setStatus(full ? LivekitAgent.WorkerStatus.WS_FULL : LivekitAgent.WorkerStatus.WS_AVAILABLE)
                .setLoad((float) load)
                .setJobCount(jobCount)).build();
    }

    static LivekitAgent.WorkerMessage migrate(Collection<String> jobIds) {
        return LivekitAgent.WorkerMessage.newBuilder().setMigrateJob(LivekitAgent.MigrateJobRequest.newBuilder()
                .addAllJobIds(jobIds)).build();
    }

    static LivekitAgent.WorkerMessage ping(long epochMillis) {
        return LivekitAgent.WorkerMessage.newBuilder().setPing(LivekitAgent.WorkerPing.newBuilder()
                .setTimestamp(epochMillis)).build();
    }
}
